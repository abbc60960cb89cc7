using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace OrderLedger.Api.Hosting;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c> (bearer security declared) and a browsable UI at <c>/scalar/v1</c>.
/// The UI works offline: its script is served by this host, it loads no web fonts, sends no telemetry, offers neither the
/// AI agent, the developer tools nor the "Open API Client" button (they need Scalar's servers), and its Content-Security-Policy lets the page reach
/// this host only, so "Test Request" goes straight to this API and nothing else can be fetched.
/// </summary>
public static class OpenApiSetup
{
    public const string UiPath = "/scalar";

    /// <summary>Like the web pages' policy; Scalar's inline bootstrap script carries a fresh nonce, and it injects its styles inline.</summary>
    public static string UiContentSecurityPolicy(string nonce) =>
        $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

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
        app.Use(async (http, next) =>
        {
            if (http.Request.Path.StartsWithSegments(UiPath))
            {
                http.Response.OnStarting(() =>
                {
                    var nonce = http.Items[ScalarOptions.NonceHttpContextItemKey] as string ?? "none";
                    http.Response.Headers.ContentSecurityPolicy = UiContentSecurityPolicy(nonce);
                    return Task.CompletedTask;
                });
            }

            await next(http);
        });
        app.MapScalarApiReference(options =>
        {
            options.WithNonce().DisableDefaultFonts().DisableTelemetry().DisableAgent().DisableMcp();
            options.ShowDeveloperTools = DeveloperToolsVisibility.Never;
            options.HideClientButton = true; // it opens client.scalar.com

            // No proxy: "Test Request" goes from the browser straight to this host, which the policy allows.
            options.ProxyUrl = null;
        });
    }
}
