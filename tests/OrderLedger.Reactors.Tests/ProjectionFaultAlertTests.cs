using Dapper;
using OrderLedger.Domain.Alerts;
using OrderLedger.Domain.Stock;
using OrderLedger.Projections.Runtime;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.Reactors.Tests.ReactorHost;

namespace OrderLedger.Reactors.Tests;

/// <summary>
/// The <c>projection-faulted</c> rule end to end (issue 17), as <see cref="AlertRulePathTests"/> does the others: a read
/// model's table changed by hand so the projection's write fails, the projection faulted in the runtime (failure policy
/// <c>Stop</c>; the default <c>Park</c> steps over the event and never faults), the alert raised for every store; a
/// rebuild builds the read model afresh around the damage, and the alert recovers once it is live. Its own database:
/// a faulted projection would raise the alert in every other test's stores.
/// </summary>
public sealed class ProjectionFaultAlertTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private const string Projection = "stock_levels";

    [Fact]
    public async Task A_projection_that_faults_on_its_own_table_raises_the_alert_and_a_rebuild_that_makes_it_live_recovers_it()
    {
        var clock = new ManualClock(T0);
        await using var host = await StartAsync(database, clock, new Dictionary<string, string?>
        {
            ["Alerts:EvaluateEvery"] = "00:00:00.2",
            ["Alerts:DeliverEvery"] = "00:00:00.2",
            [$"Projections:FailurePolicies:{Projection}"] = "Stop",
        });
        var admin = host.Service<IProjectionAdmin>();
        var (store, warehouse, _) = await host.StoreWithStockAsync();
        var live = await StateAsync(admin, ProjectionState.Live);
        await Task.Delay(800);                                  // evaluated while every projection runs: nothing to say
        Assert.DoesNotContain(await AlertsAsync(host, store), a => a.Rule == "projection-faulted");

        // Someone "fixes" the live table by hand with a constraint the next receipt's row breaks.
        await using (var connection = await database.DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync($"ALTER TABLE {live.Schema}.stock_levels ADD CONSTRAINT no_poison CHECK (sku NOT LIKE 'POISON-%') NOT VALID");
        }

        await host.Do(new ReceiveStock(warehouse, Id("POISON-"), 3, T0), T0);
        var faulted = await StateAsync(admin, ProjectionState.Faulted);
        Assert.Equal("stock-received", faulted.LastError?.EventType);
        var raised = await Eventually.Get(() => AlertsAsync(host, store), alerts => alerts.Any(a => a.Rule == "projection-faulted"), because: "the projection-faulted alert is raised");
        var alert = Assert.Single(raised, a => a.Rule == "projection-faulted");
        Assert.Equal(Projection, alert.Subject);
        Assert.Contains("no_poison", alert.Summary, StringComparison.Ordinal);

        await admin.RequestRebuildAsync(Projection);
        var rebuilt = await StateAsync(admin, ProjectionState.Live);
        Assert.True(rebuilt.Generation > live.Generation, "a new generation serves");
        var recovered = await Eventually.Get(
            async () => (await host.EventsAsync($"alerts-{store}")).Select(e => e.Event).OfType<AlertRecovered>().ToList(),
            events => events.Any(e => e.Rule == "projection-faulted"),
            because: "the projection-faulted alert recovers");
        Assert.Equal(Projection, Assert.Single(recovered, e => e.Rule == "projection-faulted").Subject);
        Assert.Single(await AlertsAsync(host, store), a => a.Rule == "projection-faulted");   // raised once, never again
    }

    private static Task<ProjectionStatus> StateAsync(IProjectionAdmin admin, ProjectionState state) =>
        Eventually.Get(async () => (await admin.GetStatusAsync(Projection))!, s => s.State == state, because: $"{Projection} {state}");

    private static async Task<IReadOnlyList<AlertRaised>> AlertsAsync(ReactorHost host, string store) =>
        [.. (await host.EventsAsync($"alerts-{store}")).Select(e => e.Event).OfType<AlertRaised>()];
}
