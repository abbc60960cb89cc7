using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrderLedger.Domain;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Hosting;

namespace OrderLedger.Operations;

/// <summary>
/// The CLI reads the same configuration as the host: appsettings.json beside it, environment variables
/// (<c>ConnectionStrings__Postgres</c>, <c>EventStore__Provider</c>, …), then <c>--connection</c>.
/// </summary>
public sealed class CliServices : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private CliServices(ServiceProvider provider) => _provider = provider;

    /// <summary>appsettings.json beside the executable, then environment variables.</summary>
    public static IConfiguration Configuration() => Builder().Build();

    private static IConfigurationBuilder Builder() => new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables();

    /// <param name="configure">Further services a verb needs (projection admin, command handling), given the configuration.</param>
    /// <param name="ownerOverride">
    /// With <paramref name="connectionOverride"/>: the owner connection for the migrations; null: none, the override's
    /// own role migrates (an owner connection from the environment belongs to another database).
    /// </param>
    public static CliServices Create(string? connectionOverride, Action<IServiceCollection, IConfiguration>? configure = null, string? ownerOverride = null)
    {
        var builder = Builder();
        if (connectionOverride is not null)
        {
            builder.AddInMemoryCollection([
                new KeyValuePair<string, string?>("ConnectionStrings:Postgres", connectionOverride),
                new KeyValuePair<string, string?>("ConnectionStrings:PostgresOwner", ownerOverride ?? ""),
            ]);
        }

        try
        {
            var configuration = builder.Build();
            var services = new ServiceCollection().AddOrderLedgerEventStore(configuration);
            configure?.Invoke(services, configuration);
            return new CliServices(services.BuildServiceProvider());
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException)
        {
            throw new CliException($"ledger: {ex.Message}", CliException.FailureExitCode);
        }
    }

    public IEventStore Store => _provider.GetRequiredService<IEventStore>();

    public IServiceProvider Services => _provider;

    public EventCodec Codec { get; } = new(DomainEventTypes.CreateRegistry());

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
