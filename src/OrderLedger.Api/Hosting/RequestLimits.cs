using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using OrderLedger.Api.Commands;

namespace OrderLedger.Api.Hosting;

/// <summary>
/// Request size limits and the command rate limit. Settings (section <c>Limits</c>): <c>CommandsPerMinute</c> per caller
/// (token subject, else client address; default 600), <c>MaxRequestBodyBytes</c> for every request (default 1 MiB);
/// command endpoints accept at most <see cref="CommandRoutes.MaxBodyBytes"/>.
/// </summary>
public static class RequestLimits
{
    public static IServiceCollection AddRequestLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var perMinute = configuration.GetValue("Limits:CommandsPerMinute", 600);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, cancellationToken) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                await ApiProblems.TooManyCommands(perMinute).ExecuteAsync(context.HttpContext);
            };
            options.AddPolicy(CommandRoutes.RateLimitPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                CallerOf(http),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(kestrel =>
            kestrel.Limits.MaxRequestBodySize = configuration.GetValue<long>("Limits:MaxRequestBodyBytes", 1024 * 1024));
        return services;
    }

    /// <summary>Refuses a body larger than the endpoint's <see cref="BodySizeLimit"/> with 413 before it is read.</summary>
    public static IApplicationBuilder UseBodySizeLimits(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<BodySizeLimit>() is { } limit)
        {
            if (http.Request.ContentLength > limit.MaxBytes)
            {
                await ApiProblems.TooLarge(limit.MaxBytes).ExecuteAsync(http);
                return;
            }

            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            {
                size.MaxRequestBodySize = limit.MaxBytes;
            }
        }

        await next(http);
    });

    private static string CallerOf(HttpContext http) =>
        http.User.FindFirstValue("sub") ?? http.Connection.RemoteIpAddress?.ToString() ?? "anonymous";
}
