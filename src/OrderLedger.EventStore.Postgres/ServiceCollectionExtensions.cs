using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace OrderLedger.EventStore.Postgres;

public static class ServiceCollectionExtensions
{
    /// <summary>Registers the PostgreSQL event store as <see cref="IEventStore"/>; its schema is migrated at host start.</summary>
    public static IServiceCollection AddPostgresEventStore(this IServiceCollection services, PostgresEventStoreOptions options)
    {
        services.AddSingleton(options);
        services.AddPostgresDataSources();
        services.AddSingleton(sp => new PostgresEventStore(
            sp.GetRequiredKeyedService<NpgsqlDataSource>(options.ConnectionString), options, sp.GetService<ILogger<PostgresEventStore>>()));
        services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<PostgresEventStore>());
        services.AddHostedService<PostgresEventStoreMigration>();
        return services;
    }

    /// <summary>
    /// One <see cref="NpgsqlDataSource"/> (one connection pool) per connection string in the container, resolved with
    /// <c>GetRequiredKeyedService&lt;NpgsqlDataSource&gt;(connectionString)</c> and disposed with it: the event store, the
    /// projections, the read-model queries and the reactors of one process share the pool of their database. Registered
    /// once however often it is called; a container that already has such a registration keeps it.
    /// </summary>
    public static IServiceCollection AddPostgresDataSources(this IServiceCollection services)
    {
        services.TryAddKeyedSingleton(KeyedService.AnyKey, (_, key) => PostgresEventStore.CreateDataSource(ConnectionStringOf(key)));
        return services;
    }

    private static string ConnectionStringOf(object? key) =>
        key as string is { Length: > 0 } connectionString ? connectionString : throw new ArgumentException("A data source is keyed by its connection string.", nameof(key));

    private sealed class PostgresEventStoreMigration(PostgresEventStoreOptions options) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => options.MigrateAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
