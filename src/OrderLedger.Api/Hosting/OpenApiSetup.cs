using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace OrderLedger.Api.Hosting;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c> (bearer security declared) and a browsable UI at <c>/scalar/v1</c>.</summary>
public static class OpenApiSetup
{
    public static IServiceCollection AddOrderLedgerOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "OrderLedger API";
            document.Info.Description = "Commands, queries, history and operations of the event-sourced order ledger. See docs/api.md.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A token from `tools/ledger token --role <role> --store <id>`.",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] });
            return Task.CompletedTask;
        }));

    public static void MapOrderLedgerOpenApi(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference();
    }
}
