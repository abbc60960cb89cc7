using System.Text.Json.Serialization;
using OrderLedger.Api.Commands;
using OrderLedger.Api.Hosting;
using OrderLedger.Api.Projections;
using OrderLedger.Api.Queries;
using OrderLedger.Api.Security;
using OrderLedger.Api.Streams;
using OrderLedger.Api.Telemetry;
using OrderLedger.Api.Validation;
using OrderLedger.Api.Web;
using OrderLedger.Application;
using OrderLedger.Audit;
using OrderLedger.Hosting;
using OrderLedger.Projections.Runtime;
using OrderLedger.Reactors;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddProblemDetails();
// Binding failures reach BindingProblems as exceptions, so their 400 names the parameter in every environment.
builder.Services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
builder.Services.AddExceptionHandler<BindingProblems>();
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
builder.Services.AddOrderLedgerEventStore(builder.Configuration);
builder.Services.AddOrderLedgerAccessControl(builder.Configuration);
builder.Services.AddOrderLedgerCommandHandling(builder.Configuration);
builder.Services.AddSingleton<CommandOwnership>();
builder.Services.AddSingleton<CommandEnrichment>();
builder.Services.AddSingleton<CommandPipeline>();
builder.Services.AddSingleton<StreamHistory>();
builder.Services.AddSingleton<ChainVerifier>();
builder.Services.AddReadModelQueries();
builder.Services.AddRequestLimits(builder.Configuration);
builder.Services.AddReadiness(builder.Configuration);
builder.Services.AddOrderLedgerOpenApi();
builder.AddOrderLedgerTelemetry();
builder.Services.AddOrderLedgerProjections(builder.Configuration);
builder.Services.AddReactors();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseBodySizeLimits();
app.UseWebPages();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UseInputTextLimits();
app.MapOrderLedgerOpenApi();
app.MapHealthEndpoints();
app.MapStreamEndpoints();
app.MapProjectionEndpoints();
app.MapCommandEndpoints();
app.MapQueryEndpoints();
app.MapSessionEndpoints();
app.Run();

/// <summary>Entry point, visible to the API tests' host.</summary>
public partial class Program;
