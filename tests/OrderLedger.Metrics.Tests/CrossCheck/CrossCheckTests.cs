using System.Diagnostics;
using OrderLedger.Metrics.Tests.Support;
using OrderLedger.Testing;
using Xunit;
using Xunit.Abstractions;
using static OrderLedger.Metrics.Tests.CrossCheck.FigureComparison;

namespace OrderLedger.Metrics.Tests.CrossCheck;

/// <summary>
/// The read model against first principles: 20,000 seeded conversations (plus their orders, parcels and refunds) go
/// through the real event store and the projections in batches; every figure, for every store and all stores, several
/// windows and several "now"s, must equal the one computed directly from the raw events by <see cref="Oracle"/>.
/// </summary>
public sealed class CrossCheckTests(TestDatabase db, ITestOutputHelper output) : IClassFixture<TestDatabase>
{
    private const int Conversations = 20_000;

    [Fact]
    public async Task Every_figure_of_the_read_model_equals_the_same_figure_computed_from_the_raw_events()
    {
        var clock = Stopwatch.StartNew();
        var (storeStreams, streams) = SeededDataset.Generate(Conversations, seed: 20260302);
        await using var l = await MetricsLedger.OpenAsync(db);
        foreach (var s in storeStreams)
        {
            await l.AppendStreamAsync(s.StreamId, s.Events, s.StoreId);
        }

        await Parallel.ForEachAsync(streams, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (s, _) => await l.AppendStreamAsync(s.StreamId, s.Events, s.StoreId));
        output.WriteLine($"appended {streams.Sum(s => s.Events.Count)} events in {streams.Count + storeStreams.Count} streams: {clock.Elapsed}");

        var events = await l.ReadAsync();
        output.WriteLine($"read back {events.Count} events: {clock.Elapsed}");
        var queries = await l.ProjectAsync(batchSize: 1000, events: events);
        output.WriteLine($"projected {events.Count} events: {clock.Elapsed}");
        var oracle = new Oracle(events);
        output.WriteLine($"oracle: {clock.Elapsed}");
        Assert.True(oracle.Inquiries > Conversations / 2, $"only {oracle.Inquiries} inquiries were generated");

        var start = SeededDataset.Start;
        var mid = start.AddDays(20).AddHours(12).AddMinutes(34).AddSeconds(56);
        var endOfRange = start.AddDays(SeededDataset.Days + 1);
        var final = start.AddDays(90);
        var everything = MetricWindow.Days(DateOnly.FromDateTime(start.AddDays(-2).Date), DateOnly.FromDateTime(final.Date));
        var dstWeek = MetricWindow.Days(new DateOnly(2026, 3, 6), new DateOnly(2026, 3, 12));
        var cases = new (MetricWindow Window, DateTimeOffset Now)[]
        {
            (everything, final), (dstWeek, mid), (dstWeek, final), (MetricWindow.Rolling30Days, mid), (MetricWindow.Rolling30Days, endOfRange),
        };
        string?[] stores = [null, .. SeededDataset.Stores.Select(s => s.StoreId)];
        var compared = 0;

        foreach (var store in stores)
        {
            foreach (var (window, now) in cases)
            {
                var at = $"store {store ?? "(all)"}, {window}, now {now:O}";
                Same(oracle.ReplyRate(store, null, window, now), await queries.Service.GetReplyRateAsync(store, null, window, now), $"reply rate, {at}");
                Same(oracle.Nps(store, null, window, now), await queries.Service.GetNpsAsync(store, null, window, now), $"NPS, {at}");
                Same(oracle.FirstContactResolution(store, null, window, now), await queries.Service.GetFirstContactResolutionAsync(store, null, window, now), $"FCR, {at}");
                Same(oracle.GoodReviewRate(store, null, window, now), await queries.Service.GetGoodReviewRateAsync(store, null, window, now), $"good reviews, {at}");
                Same(oracle.RefundTimes(store, window, now), await queries.Commerce.GetRefundTimesAsync(store, window, now), $"refund times, {at}");
                Same(oracle.DisputeRate(store, window, now), await queries.Commerce.GetDisputeRateAsync(store, window, now), $"dispute rate, {at}");
                var flow = await queries.GetOrderFlowAsync(store, window, now);
                Same(oracle.OrderFlow(store, window, now), flow with { LogisticsExceptionsOpen = null, StuckParcels = null, LowStockSkus = null }, $"order flow, {at}");
                compared += 7;
            }

            Same(oracle.ReplyRateByAgent(store, everything, final), await queries.Service.GetReplyRateByAgentAsync(store, everything, final), $"reply rate by agent, {store}");
            Same(oracle.ReplyRateByAgent(store, dstWeek, mid), await queries.Service.GetReplyRateByAgentAsync(store, dstWeek, mid), $"reply rate by agent mid-way, {store}");
            Same(
                oracle.DailyReplyRate(store, new DateOnly(2026, 2, 28), new DateOnly(2026, 4, 12), final),
                await queries.Service.GetDailyReplyRateAsync(store, null, new DateOnly(2026, 2, 28), new DateOnly(2026, 4, 12), final),
                $"daily reply rate, {store}");
            compared += 3;
        }

        foreach (var agent in new[] { "S-SH-agent1", "S-LA-agent3", "S-BER-agent5" })
        {
            var store = agent[..agent.LastIndexOf('-')];
            Same(oracle.ReplyRate(store, agent, dstWeek, final), await queries.Service.GetReplyRateAsync(store, agent, dstWeek, final), $"reply rate of {agent}");
            Same(oracle.Nps(store, agent, everything, final), await queries.Service.GetNpsAsync(store, agent, everything, final), $"NPS of {agent}");
            Same(oracle.FirstContactResolution(store, agent, everything, mid), await queries.Service.GetFirstContactResolutionAsync(store, agent, everything, mid), $"FCR of {agent}");
            Same(oracle.GoodReviewRate(store, agent, dstWeek, final), await queries.Service.GetGoodReviewRateAsync(store, agent, dstWeek, final), $"good reviews of {agent}");
            compared += 4;
        }

        var total = await queries.Service.GetReplyRateAsync(null, null, everything, final);
        output.WriteLine($"compared {compared} figures: {clock.Elapsed}; all stores: {total}");
        Assert.True(total.InTime > 1000 && total.Late > 1000 && total.OverdueUnanswered > 100 && total.Withdrawn > 100 && total.OutsideServiceHours > 1000, $"the dataset must exercise every outcome: {total}");
    }
}
