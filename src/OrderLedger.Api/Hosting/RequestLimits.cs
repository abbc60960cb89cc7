using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using OrderLedger.Api.Commands;
using OrderLedger.Hosting;

namespace OrderLedger.Api.Hosting;

/// <summary>
/// Request size limits and the command rate limit. Settings (section <c>Limits</c>): <c>CommandsPerMinute</c> per caller
/// (token subject, else client address; default 600), <c>CommandsPerMinuteByRole:{role}</c> for callers with that role
/// (the highest of a caller's roles applies; <c>ingest</c> defaults to <see cref="DefaultIngestCommandsPerMinute"/>, so a
/// connector or an import is not capped at a person's pace), <c>MaxRequestBodyBytes</c> for every request (default 1 MiB);
/// command endpoints accept at most <see cref="CommandRoutes.MaxBodyBytes"/>.
/// </summary>
public static class RequestLimits
{
    public const int DefaultCommandsPerMinute = 600;
    public const int DefaultIngestCommandsPerMinute = 60_000;

    public static IServiceCollection AddRequestLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var perMinute = configuration.GetValue("Limits:CommandsPerMinute", DefaultCommandsPerMinute);
        var byRole = RoleLimits(configuration);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, cancellationToken) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                await ApiProblems.TooManyCommands(LimitOf(context.HttpContext.User, perMinute, byRole)).ExecuteAsync(context.HttpContext);
            };
            options.AddPolicy(CommandRoutes.RateLimitPolicy, http =>
            {
                var limit = LimitOf(http.User, perMinute, byRole);
                // The limit is part of the key: one subject signed in with another role gets that role's window.
                return RateLimitPartition.GetFixedWindowLimiter(
                    $"{CallerOf(http)}|{limit}",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = limit, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
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

    /// <summary>The configured per-role limits, with the ingest role's default when it is not configured.</summary>
    public static IReadOnlyDictionary<string, int> RoleLimits(IConfiguration configuration)
    {
        var limits = new Dictionary<string, int>(StringComparer.Ordinal) { [Roles.Ingest] = DefaultIngestCommandsPerMinute };
        foreach (var role in configuration.GetSection("Limits:CommandsPerMinuteByRole").GetChildren())
        {
            limits[role.Key] = int.TryParse(role.Value, out var limit) && limit > 0
                ? limit
                : throw new InvalidOperationException($"Limits:CommandsPerMinuteByRole:{role.Key} must be a whole number above 0, not '{role.Value}'.");
        }

        return limits;
    }

    /// <summary>The highest limit among the caller's roles that have one, else the default.</summary>
    public static int LimitOf(ClaimsPrincipal user, int perMinute, IReadOnlyDictionary<string, int> byRole)
    {
        var ofRoles = user.FindAll("role").Select(r => byRole.GetValueOrDefault(r.Value)).DefaultIfEmpty(0).Max();
        return ofRoles > 0 ? ofRoles : perMinute;
    }

    private static string CallerOf(HttpContext http) =>
        http.User.FindFirstValue("sub") ?? http.Connection.RemoteIpAddress?.ToString() ?? "anonymous";
}
