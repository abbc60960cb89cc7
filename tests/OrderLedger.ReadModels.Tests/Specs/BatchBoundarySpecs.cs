using OrderLedger.EventStore.Serialization;
using OrderLedger.Projections;
using OrderLedger.ReadModels.Tests.Support;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.ReadModels.Tests.Specs;

/// <summary>
/// The runtime cuts the log into batches wherever N events or T milliseconds fall. A read model must not care: the
/// busy afternoon of <see cref="Scenario"/> applied as one batch, split in two at every possible point, or one event
/// per batch, gives identical tables.
/// </summary>
public sealed class BatchBoundarySpecs(TestDatabase database) : IClassFixture<TestDatabase>
{
    public static TheoryData<string> Projections => [.. CoreReadModels.All().Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(Projections))]
    public async Task Tables_are_the_same_whatever_the_batch_boundaries(string name)
    {
        var projection = CoreReadModels.All().Single(p => p.Name == name);
        await using var ledger = await Ledger.OpenAsync(database);
        await Scenario.AppendAsync(ledger);
        var events = (await ledger.ReadAsync()).Where(e => projection.EventTypes.Contains(e.Record.Type)).ToList();

        var whole = await Build(projection, [events]);
        Assert.NotEmpty(whole);

        for (var split = 1; split < events.Count; split++)
        {
            var inTwo = await Build(projection, [events[..split], events[split..]]);
            Assert.True(whole.SequenceEqual(inTwo), $"{name}: split after event {split} ({events[split - 1].Record.Type}) differs:\n{Diff(whole, inTwo)}");
        }

        var oneByOne = await Build(projection, [.. events.Select(e => new List<DecodedEvent> { e })]);
        Assert.Equal(whole, oneByOne);
    }

    private async Task<List<string>> Build(IProjection projection, IEnumerable<List<DecodedEvent>> batches)
    {
        var schema = await Projector.CreateAsync(database.DataSource, projection);
        foreach (var batch in batches)
        {
            await Projector.ApplyAsync(database.DataSource, projection, schema, batch);
        }

        return await Projector.DumpAsync(database.DataSource, projection, schema);
    }

    private static string Diff(List<string> expected, List<string> actual) =>
        string.Join('\n', expected.Except(actual).Select(r => "- " + r).Concat(actual.Except(expected).Select(r => "+ " + r)));
}
