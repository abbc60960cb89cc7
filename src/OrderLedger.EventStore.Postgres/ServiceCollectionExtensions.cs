using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OrderLedger.EventStore.Postgres;

public static class ServiceCollectionExtensions
{
    /// <summary>Registers the PostgreSQL event store as <see cref="IEventStore"/>; its schema is migrated at host start.</summary>
    public static IServiceCollection AddPostgresEventStore(this IServiceCollection services, PostgresEventStoreOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(sp => new PostgresEventStore(options, sp.GetService<ILogger<PostgresEventStore>>()));
        services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<PostgresEventStore>());
        services.AddHostedService<PostgresEventStoreMigration>();
        return services;
    }

    private sealed class PostgresEventStoreMigration(PostgresEventStoreOptions options) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => options.MigrateAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
