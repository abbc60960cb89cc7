using OrderLedger.Projections.Runtime;
using OrderLedger.Projections.Tests.Support;
using OrderLedger.Testing;
using Xunit;
using Xunit.Abstractions;

namespace OrderLedger.Projections.Tests;

/// <summary>Child processes are killed here; the classes of this collection do not run at the same time.</summary>
[CollectionDefinition("processes")]
public sealed class ProcessesCollection;

[Collection("processes")]
public sealed class CrashSafetyTests(ITestOutputHelper output)
{
    private const int Events = 50_000;

    [Fact]
    public async Task Killed_at_random_points_the_tables_equal_a_clean_rebuild()
    {
        await using var fresh = await Fresh.CreateAsync();
        await TestEvents.AppendAsync(fresh.Store, Events, perAppend: 500, streams: 100);
        await using var admin = await fresh.AdminOnlyAsync(new LedgerProjection());
        var random = new Random(4711);

        // 1. Build generation 1 while killing the worker six times: every other kill lands mid-batch (inside the
        //    handler, between its two statements, with the checkpoint row already updated); the others at random.
        var kills = 0;
        var midBatchKills = 0;
        while (kills < 6)
        {
            using var worker = WorkerProcess.Start(fresh.ConnectionString, $"crash{kills}", midBatchSleepMs: 40, batchSize: 500);
            var before = (await admin.Admin.StatusAsync()).EventsHandled;
            await Eventually.Get(() => admin.Admin.StatusAsync(), s => s.EventsHandled > before, TimeSpan.FromSeconds(30), "progress after restart");
            await Task.Delay(random.Next(0, 800));
            if (kills % 2 == 0)
            {
                await worker.KillMidBatchAsync(fresh.Db, TimeSpan.FromSeconds(10));
                midBatchKills++;
            }
            else
            {
                worker.Kill();
            }

            kills++;
            var status = await admin.Admin.StatusAsync();
            output.WriteLine($"kill {kills}: checkpoint {status.Checkpoint}, {status.EventsHandled} handled");
            Assert.True(status.Checkpoint < status.Head, "the worker finished before it was killed; the test would prove nothing");
        }

        using (var last = WorkerProcess.Start(fresh.ConnectionString, "crash-final", batchSize: 500))
        {
            var done = await admin.Admin.CaughtUpAsync(timeout: TimeSpan.FromSeconds(90));
            // Exactly once: the counters move in the same transaction as the rows.
            Assert.Equal(Events, done.EventsHandled + done.EventsSkipped + done.EventsUnknown);
            var afterCrashes = await Ledger.DigestAsync(fresh.Db);
            Assert.Equal(await Ledger.ExpectedDigestAsync(fresh.Db), afterCrashes);

            // 2. A clean rebuild from zero, untouched, into fresh tables: identical.
            var clean = await admin.Admin.RequestRebuildAsync("ledger");
            var completed = await Eventually.Get(() => admin.Admin.GetRebuildProgressAsync("ledger"), p => p!.Generation == clean.Generation && p.State == RebuildState.Completed, TimeSpan.FromSeconds(90), "clean rebuild");
            Assert.Equal(Events, completed!.Done);
            output.WriteLine($"clean rebuild: {Events} events in {(completed.CompletedAt!.Value - completed.StartedAt).TotalSeconds:0.0} s (includes the worker's 0.5 s control tick)");
            Assert.Equal(afterCrashes, await Ledger.DigestAsync(fresh.Db));
            Assert.Equal(afterCrashes, await Ledger.DigestAsync(fresh.Db, schema: completed.Schema));
            last.Kill();
        }

        Assert.Equal(6, kills);
        Assert.Equal(3, midBatchKills);
    }

    [Fact]
    public async Task A_rebuild_interrupted_by_a_crash_resumes_where_it_stopped()
    {
        await using var fresh = await Fresh.CreateAsync();
        await TestEvents.AppendAsync(fresh.Store, 20_000, perAppend: 500, streams: 40);
        await using var admin = await fresh.AdminOnlyAsync(new LedgerProjection());
        using (var first = WorkerProcess.Start(fresh.ConnectionString, "r1", batchSize: 500))
        {
            await admin.Admin.CaughtUpAsync();
            first.Kill();
        }

        var live = await Ledger.DigestAsync(fresh.Db);
        var requested = await admin.Admin.RequestRebuildAsync("ledger");
        Assert.Equal(RebuildState.Building, requested.State);
        Assert.Equal(2, requested.Generation);

        var progressBeforeCrash = 0L;
        for (var crash = 0; crash < 2; crash++)
        {
            using var worker = WorkerProcess.Start(fresh.ConnectionString, $"r-crash{crash}", midBatchSleepMs: 40, batchSize: 500);
            var progress = await Eventually.Get(() => admin.Admin.GetRebuildProgressAsync("ledger"), p => p!.Done > progressBeforeCrash, TimeSpan.FromSeconds(30), "rebuild progress");
            // Resumed, not restarted: the first progress seen after a restart is not below what was committed before.
            Assert.True(progress!.Done >= progressBeforeCrash);
            Assert.Equal(2, progress.Generation);
            Assert.NotNull(progress.Total);
            Assert.Equal(20_000, progress.Total);
            await worker.KillMidBatchAsync(fresh.Db, TimeSpan.FromSeconds(10));
            progressBeforeCrash = (await admin.Admin.GetRebuildProgressAsync("ledger"))!.Done;
            Assert.InRange(progressBeforeCrash, 1, 19_999);
            // While the build is interrupted, readers keep the complete generation 1.
            Assert.Equal(live, await Ledger.DigestAsync(fresh.Db));
        }

        using var final = WorkerProcess.Start(fresh.ConnectionString, "r-final", batchSize: 500);
        var done = await Eventually.Get(() => admin.Admin.GetRebuildProgressAsync("ledger"), p => p!.State == RebuildState.Completed, TimeSpan.FromSeconds(60), "rebuild completes");
        Assert.Equal(20_000, done!.Done);
        Assert.Equal(live, await Ledger.DigestAsync(fresh.Db));
        Assert.Equal(2, (await admin.Admin.StatusAsync()).Generation);
        final.Kill();
    }
}
