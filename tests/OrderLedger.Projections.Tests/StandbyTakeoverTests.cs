using System.Diagnostics;
using OrderLedger.Projections.Runtime;
using OrderLedger.Projections.Tests.Support;
using OrderLedger.Testing;
using Xunit;
using Xunit.Abstractions;

namespace OrderLedger.Projections.Tests;

[Collection("processes")]
public sealed class StandbyTakeoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task When_the_active_process_dies_the_standby_continues_from_the_checkpoint_within_ten_seconds()
    {
        await using var fresh = await Fresh.CreateAsync();
        await TestEvents.AppendAsync(fresh.Store, 20_000, perAppend: 500, streams: 40);
        await using var admin = await fresh.AdminOnlyAsync(new LedgerProjection());

        using var a = WorkerProcess.Start(fresh.ConnectionString, "a", midBatchSleepMs: 40, batchSize: 200);
        using var b = WorkerProcess.Start(fresh.ConnectionString, "b", midBatchSleepMs: 40, batchSize: 200);
        var running = await Eventually.Get(() => admin.Admin.StatusAsync(), s => s.ActiveInstance is not null && s.EventsHandled > 1_000, TimeSpan.FromSeconds(30), "one instance active");
        var (active, standby) = running.ActiveInstance == "a" ? (a, b) : (b, a);
        await Eventually.Get(() => Task.FromResult(standby.Output), o => o.Contains("standing by", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the other process stands by");

        // Traffic keeps arriving during the takeover.
        using var stopWriting = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            var n = 0;
            while (!stopWriting.IsCancellationRequested)
            {
                await fresh.Store.AppendAsync($"live-{n % 7}", EventStore.ExpectedRevision.Any, [TestEvents.Deposit(n % 13 + 1), TestEvents.Withdraw(1)]);
                n++;
                await Task.Delay(10);
            }
        });

        await active.KillMidBatchAsync(fresh.Db, TimeSpan.FromSeconds(10));
        var killedAt = Stopwatch.StartNew();
        var atKill = await admin.Admin.StatusAsync();
        var takenOver = await Eventually.Get(
            () => admin.Admin.StatusAsync(),
            s => s.ActiveInstance == standby.Instance && s.Checkpoint > atKill.Checkpoint,
            TimeSpan.FromSeconds(20),
            "standby takes over");
        var takeover = killedAt.Elapsed;
        output.WriteLine($"takeover after {takeover.TotalSeconds:0.00} s; checkpoint {atKill.Checkpoint} -> {takenOver.Checkpoint}");
        Assert.True(takeover < TimeSpan.FromSeconds(10), $"takeover took {takeover}");

        await stopWriting.CancelAsync();
        await writer;
        var done = await admin.Admin.CaughtUpAsync(timeout: TimeSpan.FromSeconds(60));
        // No duplicate effects: every event counted once, tables equal to what the log says.
        Assert.Equal(await Ledger.CountEventsAsync(fresh.Db), done.EventsHandled + done.EventsSkipped + done.EventsUnknown);
        Assert.Equal(await Ledger.ExpectedDigestAsync(fresh.Db), await Ledger.DigestAsync(fresh.Db));
        Assert.Equal(standby.Instance, done.ActiveInstance);
        Assert.False(standby.HasExited);
    }
}
