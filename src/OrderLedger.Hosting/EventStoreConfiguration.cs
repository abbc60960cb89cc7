using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrderLedger.EventStore;
using OrderLedger.EventStore.GroupCommit;
using OrderLedger.EventStore.EventStoreDb;
using OrderLedger.EventStore.Postgres;

namespace OrderLedger.Hosting;

public static class EventStoreConfiguration
{
    /// <summary>
    /// Chooses the event store from configuration: <c>EventStore:Provider</c> = <c>postgres</c> (default, the
    /// embedded store in <c>ConnectionStrings:Postgres</c>) or <c>eventstoredb</c>.
    /// </summary>
    public static IServiceCollection AddOrderLedgerEventStore(this IServiceCollection services, IConfiguration configuration)
    {
        // The read models live in PostgreSQL whichever store holds the log: one pool per database for the whole process.
        services.AddPostgresDataSources();
        var provider = Provider(configuration);
        switch (provider)
        {
            case "postgres":
                var connectionString = configuration.GetConnectionString("Postgres");
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new InvalidOperationException(
                        "ConnectionStrings:Postgres is not set. Start the system with tools/run.sh, or set ConnectionStrings__Postgres.");
                }

                services.AddPostgresEventStore(new PostgresEventStoreOptions
                {
                    ConnectionString = connectionString,
                    OwnerConnectionString = configuration.GetConnectionString(OwnerConnectionName),
                    Schema = PostgresSchema(configuration),
                });
                if (GroupCommit(configuration) is { } groupCommit)
                {
                    services.Replace(ServiceDescriptor.Singleton<IEventStore>(sp => new GroupCommitEventStore(sp.GetRequiredService<PostgresEventStore>(), groupCommit)));
                }

                break;
            case "eventstoredb":
                var esdb = configuration.GetConnectionString("EventStoreDb");
                if (string.IsNullOrWhiteSpace(esdb))
                {
                    throw new InvalidOperationException(
                        "EventStore:Provider is 'eventstoredb' but ConnectionStrings:EventStoreDb is not set (e.g. esdb://localhost:2113?tls=false).");
                }

                services.AddEventStoreDbEventStore(esdb);
                break;
            default:
                throw new InvalidOperationException($"EventStore:Provider '{provider}' is not known; use 'postgres' or 'eventstoredb'.");
        }

        services.AddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>
    /// Group commit for the PostgreSQL store (<see cref="GroupCommitEventStore"/>), on unless
    /// <c>EventStore:GroupCommit:Enabled</c> is false; <c>EventStore:GroupCommit:Writers</c>, <c>MaxAppendsPerGroup</c> and
    /// <c>MaxEventsPerGroup</c> tune it. EventStoreDB writes what arrives together in one flush of its own.
    /// </summary>
    public static GroupCommitOptions? GroupCommit(IConfiguration configuration)
    {
        var section = configuration.GetSection("EventStore:GroupCommit");
        if (section["Enabled"] is { Length: > 0 } enabled)
        {
            if (!bool.TryParse(enabled, out var on))
            {
                throw new InvalidOperationException($"EventStore:GroupCommit:Enabled must be true or false, not '{enabled}'.");
            }

            if (!on)
            {
                return null;
            }
        }

        var defaults = new GroupCommitOptions();
        try
        {
            return new GroupCommitOptions(
                section.GetValue("Writers", defaults.Writers),
                section.GetValue("MaxAppendsPerGroup", defaults.MaxAppendsPerGroup),
                section.GetValue("MaxEventsPerGroup", defaults.MaxEventsPerGroup)).Validated();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new InvalidOperationException($"EventStore:GroupCommit:{ex.ParamName} is {ex.ActualValue}; it must be within its range ({ex.Message.Split('(')[0].Trim()})", ex);
        }
    }

    /// <summary>The owner role's connection (<c>ConnectionStrings:PostgresOwner</c>): migrations only; unset = the app's own.</summary>
    public const string OwnerConnectionName = "PostgresOwner";

    /// <summary><c>postgres</c> (the default) or <c>eventstoredb</c>, lower-cased.</summary>
    public static string Provider(IConfiguration configuration) =>
        configuration["EventStore:Provider"] is { Length: > 0 } configured ? configured.ToLowerInvariant() : "postgres";

    public static bool IsPostgres(IConfiguration configuration) => Provider(configuration) == "postgres";

    public static string PostgresSchema(IConfiguration configuration) => configuration["EventStore:Schema"] ?? PostgresEventStoreOptions.DefaultSchema;
}
