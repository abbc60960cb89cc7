using OrderLedger.Domain;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Postgres;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Testing;

namespace OrderLedger.Cli.Tests;

/// <summary>Runs the CLI in-process against a real database, capturing what it prints.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error);

public static class CliHarness
{
    public static async Task<CliRun> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await LedgerCli.RunAsync(args, output, error);
        return new CliRun(exit, output.ToString(), error.ToString());
    }

    /// <summary>Appends domain events as the command handlers do: hash-chained, at the exact revision.</summary>
    public static async Task AppendChainedAsync(TestDatabase database, string streamId, DateTimeOffset occurredAt, params object[] events)
    {
        await using var store = await PostgresEventStore.OpenAsync(new PostgresEventStoreOptions { ConnectionString = database.ConnectionString });
        var codec = new EventCodec(DomainEventTypes.CreateRegistry());
        var last = await store.ReadStreamAsync(streamId, StreamReadOptions.Last(1)).FirstOrDefaultAsync();
        var context = new CommandContext(Guid.NewGuid().ToString("N"), new Actor(ActorKind.Agent, "agent-1"), occurredAt, "s1");
        await store.AppendAsync(streamId, ExpectedRevision.After(last?.Revision), codec.Encode(events, context, ChainTip.After(streamId, last)));
    }
}
