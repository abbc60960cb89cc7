using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrderLedger.Application;
using OrderLedger.Application.CommandHandling;

namespace OrderLedger.Hosting;

public static class CommandHandlingConfiguration
{
    public const string MaxFutureSkewSetting = "BusinessTime:MaxFutureSkew";

    /// <summary>Command handling with the settings of configuration (<c>BusinessTime:MaxFutureSkew</c>, a time span such as <c>00:05:00</c>).</summary>
    public static IServiceCollection AddOrderLedgerCommandHandling(this IServiceCollection services, IConfiguration configuration)
    {
        var skew = new CommandHandlerOptions().MaxFutureSkew;
        if (configuration[MaxFutureSkewSetting] is { Length: > 0 } text
            && (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out skew) || skew < TimeSpan.Zero || skew > TimeSpan.FromDays(1)))
        {
            throw new InvalidOperationException($"{MaxFutureSkewSetting} must be a time span between 00:00:00 and 1.00:00:00; got '{text}'.");
        }

        return services.AddOrderLedgerApplication(new CommandHandlerOptions { MaxFutureSkew = skew });
    }
}
