using System.Text;
using System.Text.Json.Serialization;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Projections.Tests.Support;

public sealed record Deposited(long Amount);

public sealed record Withdrawn(long Amount);

public sealed record Noted(string Text);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Deposited))]
[JsonSerializable(typeof(Withdrawn))]
[JsonSerializable(typeof(Noted))]
internal sealed partial class TestJsonContext : JsonSerializerContext;

/// <summary>The tests' own small event vocabulary, independent of the domain.</summary>
public static class TestEvents
{
    public const string DepositedType = "test-deposited";
    public const string WithdrawnType = "test-withdrawn";
    public const string NotedType = "test-noted";     // known, handled by no test projection: skipped
    public const string AlienType = "test-alien";     // not in the registry: unknown

    public static EventTypeRegistry CreateRegistry() => new EventTypeRegistry()
        .Register(DepositedType, TestJsonContext.Default.Deposited)
        .Register(WithdrawnType, TestJsonContext.Default.Withdrawn)
        .Register(NotedType, TestJsonContext.Default.Noted);

    private static readonly byte[] Metadata = "{}"u8.ToArray();

    public static EventData Deposit(long amount) => Json(DepositedType, $$"""{"amount":{{amount}}}""");

    public static EventData Withdraw(long amount) => Json(WithdrawnType, $$"""{"amount":{{amount}}}""");

    public static EventData Note(string text) => Json(NotedType, $$"""{"text":"{{text}}"}""");

    public static EventData Alien() => Json(AlienType, """{"from":"the future"}""");

    private static EventData Json(string type, string json) => new(Guid.NewGuid(), type, Encoding.UTF8.GetBytes(json), Metadata);

    /// <summary>A mix: mostly deposits and withdrawals, some notes (skipped) and alien events (unknown).</summary>
    public static EventData Random(Random random) => random.Next(100) switch
    {
        < 75 => Deposit(random.Next(1, 1000)),
        < 90 => Withdraw(random.Next(1, 500)),
        < 95 => Note("n" + random.Next(1000)),
        _ => Alien(),
    };

    /// <summary>Appends <paramref name="total"/> events, <paramref name="perAppend"/> per append, round-robin over streams.</summary>
    public static async Task AppendAsync(IEventStore store, int total, int perAppend = 500, int streams = 100, int seed = 1, string prefix = "acct")
    {
        var random = new Random(seed);
        for (var appended = 0; appended < total; appended += perAppend)
        {
            var count = Math.Min(perAppend, total - appended);
            var events = Enumerable.Range(0, count).Select(_ => Random(random)).ToList();
            await store.AppendAsync($"{prefix}-{appended / perAppend % streams}", ExpectedRevision.Any, events);
        }
    }
}
