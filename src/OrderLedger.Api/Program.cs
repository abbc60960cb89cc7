using OrderLedger.Api.Hosting;
using OrderLedger.Api.Security;
using OrderLedger.Api.Streams;
using OrderLedger.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddProblemDetails();
builder.Services.AddOrderLedgerEventStore(builder.Configuration);
builder.Services.AddOrderLedgerAccessControl(builder.Configuration);

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.MapHealthEndpoints();
app.MapStreamEndpoints();
app.Run();

/// <summary>Entry point, visible to the API tests' host.</summary>
public partial class Program;
