using Microsoft.Extensions.DependencyInjection;
using OrderLedger.Application;
using OrderLedger.Application.CommandHandling;
using OrderLedger.Domain;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Postgres;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Testing;

namespace OrderLedger.Metrics.Tests.Support;

/// <summary>
/// The "given" of a spec as the product writes it: commands through <see cref="CommandService"/> (every rule checked,
/// business time bounded) into the real PostgreSQL store; then the log as the projection runtime decodes it.
/// </summary>
public sealed class CommandLedger : IAsyncDisposable
{
    private static readonly EventCodec Codec = new(DomainEventTypes.CreateRegistry());

    private readonly PostgresEventStore store;
    private readonly Position? start;
    private readonly CommandService commands;
    private int appended;

    private CommandLedger(PostgresEventStore store, Position? start)
    {
        this.store = store;
        this.start = start;
        commands = new ServiceCollection().AddSingleton<IEventStore>(store).AddSingleton(Codec).AddOrderLedgerApplication()
            .BuildServiceProvider().GetRequiredService<CommandService>();
    }

    public static async Task<CommandLedger> OpenAsync(TestDatabase database)
    {
        var store = await PostgresEventStore.OpenAsync(new PostgresEventStoreOptions { ConnectionString = database.ConnectionString });
        return new CommandLedger(store, await store.ReadHeadPositionAsync());
    }

    /// <summary>Runs a command as the system at its own business time; the outcome, accepted or not.</summary>
    public async Task<CommandOutcome> TryAsync(IDomainCommand command)
    {
        var outcome = await commands.ExecuteAsync(command, new CommandContext(Guid.NewGuid().ToString("N"), Actor.System("spec"), command.OccurredAt));
        Interlocked.Add(ref appended, outcome.Events.Count());
        return outcome;
    }

    /// <summary>Runs a command that must be accepted.</summary>
    public async Task<CommandOutcome> RunAsync(IDomainCommand command)
    {
        var outcome = await TryAsync(command);
        Xunit.Assert.True(outcome.IsSuccess, $"{command}: {outcome.Error}");
        return outcome;
    }

    /// <summary>Everything the commands appended since <see cref="OpenAsync"/>, in <c>$all</c> order, decoded.</summary>
    public async Task<IReadOnlyList<DecodedEvent>> ReadAsync()
    {
        var all = await Eventually.Get(
            async () => await store.ReadAllAsync(start, null, long.MaxValue).ToListAsync(),
            events => events.Count >= appended,
            because: $"{appended} appended events readable from $all");
        return [.. all.Select(Codec.Decode)];
    }

    /// <summary>Builds the metric projections from everything the commands appended and publishes them as <c>rm.*</c>.</summary>
    public async Task<MetricQueries> ProjectAsync(TestDatabase database)
    {
        var events = await ReadAsync();
        foreach (var projection in new Projections.IProjection[] { new ServiceMetricsProjection(), new CommerceMetricsProjection() })
        {
            await Projector.BuildAndPublishAsync(database.DataSource, projection, events);
        }

        return new MetricQueries(database.DataSource);
    }

    public ValueTask DisposeAsync() => store.DisposeAsync();
}
