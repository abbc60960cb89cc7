using System.Text.Json.Serialization;
using OrderLedger.Api.Hosting;
using OrderLedger.Api.Projections;
using OrderLedger.Api.Security;
using OrderLedger.Api.Streams;
using OrderLedger.Domain;
using OrderLedger.Hosting;
using OrderLedger.Projections.Runtime;
using OrderLedger.ReadModels;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddProblemDetails();
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
builder.Services.AddOrderLedgerEventStore(builder.Configuration);
builder.Services.AddOrderLedgerAccessControl(builder.Configuration);
builder.Services.AddSingleton(DomainEventTypes.CreateRegistry());
var projections = builder.Services.AddProjections(builder.Configuration)
    .AddFromAssembly(typeof(OrdersProjection).Assembly);
if (EventStoreConfiguration.IsPostgres(builder.Configuration))
{
    projections.CountEventsInPostgres(EventStoreConfiguration.PostgresSchema(builder.Configuration));
}

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.MapHealthEndpoints();
app.MapStreamEndpoints();
app.MapProjectionEndpoints();
app.Run();

/// <summary>Entry point, visible to the API tests' host.</summary>
public partial class Program;
