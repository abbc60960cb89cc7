using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrderLedger.Application;
using OrderLedger.Application.CommandHandling;

namespace OrderLedger.Hosting;

public static class CommandHandlingConfiguration
{
    /// <summary>The section <see cref="CommandHandlerOptions"/> is bound from (<c>CommandHandling:MaxAttempts</c>, …).</summary>
    public const string Section = "CommandHandling";

    /// <summary>The older home of <see cref="CommandHandlerOptions.MaxFutureSkew"/>; it wins over <c>CommandHandling:MaxFutureSkew</c>.</summary>
    public const string BusinessTimeSection = "BusinessTime";

    public const string MaxFutureSkewSetting = "BusinessTime:MaxFutureSkew";

    private static readonly TimeSpan MaxSkew = TimeSpan.FromDays(1);

    /// <summary>
    /// Command handling with <see cref="CommandHandlerOptions"/> bound from the <c>CommandHandling</c> section and
    /// <c>BusinessTime:MaxFutureSkew</c> (a time span such as <c>00:05:00</c>); bad values stop the host at start.
    /// </summary>
    public static IServiceCollection AddOrderLedgerCommandHandling(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CommandHandlerOptions>()
            .Bind(configuration.GetSection(Section))
            .Bind(configuration.GetSection(BusinessTimeSection))
            .Validate(o => o.MaxFutureSkew >= TimeSpan.Zero && o.MaxFutureSkew <= MaxSkew, $"{MaxFutureSkewSetting} must be a time span between 00:00:00 and 1.00:00:00.")
            .Validate(o => o.MaxAttempts >= 1, $"{Section}:MaxAttempts must be at least 1.")
            .Validate(o => o.StateCacheStreams >= 0, $"{Section}:StateCacheStreams must not be negative.")
            .ValidateOnStart();
        // Registered before the application's own default, which then stands aside.
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<CommandHandlerOptions>>().Value);
        return services.AddOrderLedgerApplication();
    }
}
