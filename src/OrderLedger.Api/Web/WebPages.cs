namespace OrderLedger.Api.Web;

/// <summary>
/// The web pages (agent console, service dashboard, projections, sign-in): static HTML, CSS and JavaScript modules from
/// <c>wwwroot/</c>, no build step and nothing from other origins. The pages call the same API with the bearer token
/// the user pasted (docs/web.md).
/// </summary>
public static class WebPages
{
    /// <summary>Pages may load scripts, styles and data from this host only.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    public static void UseWebPages(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.CacheControl = "no-cache";
            },
        });
    }
}
