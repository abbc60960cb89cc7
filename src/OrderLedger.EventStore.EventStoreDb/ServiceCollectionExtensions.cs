using Microsoft.Extensions.DependencyInjection;

namespace OrderLedger.EventStore.EventStoreDb;

public static class EventStoreDbServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IEventStore"/> (and <see cref="EventStoreDbEventStore"/>) as a singleton talking to the
    /// EventStoreDB named by <paramref name="connectionString"/> (e.g. <c>esdb://localhost:2113?tls=false</c>).
    /// The string is parsed here, so a bad one fails at startup with a message naming the bad part.
    /// </summary>
    public static IServiceCollection AddEventStoreDbEventStore(
        this IServiceCollection services,
        string connectionString,
        Action<EventStoreDbOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var settings = EventStoreDbConnectionString.Parse(connectionString);
        var options = new EventStoreDbOptions();
        configure?.Invoke(options);

        services.AddSingleton(settings);
        services.AddSingleton(_ => new EventStoreDbEventStore(settings, options));
        services.AddSingleton<IEventStore>(provider => provider.GetRequiredService<EventStoreDbEventStore>());
        return services;
    }
}
