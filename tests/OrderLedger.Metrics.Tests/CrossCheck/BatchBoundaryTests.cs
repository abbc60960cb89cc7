using OrderLedger.Metrics.Tests.Support;
using OrderLedger.Projections;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Metrics.Tests.CrossCheck;

/// <summary>
/// The runtime may cut the log into batches anywhere: an inquiry opened in one batch and answered in the next, a store's
/// policy and its conversations in different batches. Whatever the cut, the tables come out identical.
/// </summary>
public sealed class BatchBoundaryTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task The_tables_are_the_same_whether_the_log_is_applied_event_by_event_in_odd_batches_or_at_once()
    {
        var (storeStreams, streams) = SeededDataset.Generate(conversations: 100, seed: 7);
        await using var l = await MetricsLedger.OpenAsync(db);
        foreach (var s in storeStreams.Concat(streams))
        {
            await l.AppendStreamAsync(s.StreamId, s.Events, s.StoreId);
        }

        var events = await l.ReadAsync();
        foreach (IProjection projection in new IProjection[] { new ServiceMetricsProjection(), new CommerceMetricsProjection() })
        {
            var atOnce = await Projector.DumpAsync(db.DataSource, projection, await Projector.BuildAndPublishAsync(db.DataSource, projection, events));
            var oneByOne = await Projector.DumpAsync(db.DataSource, projection, await Projector.BuildAndPublishAsync(db.DataSource, projection, events, batchSize: 1));
            var odd = await Projector.DumpAsync(db.DataSource, projection, await Projector.BuildAndPublishAsync(db.DataSource, projection, events, batchSize: 13));

            Assert.NotEmpty(atOnce);
            Assert.Equal(atOnce, oneByOne);
            Assert.Equal(atOnce, odd);
        }
    }
}
