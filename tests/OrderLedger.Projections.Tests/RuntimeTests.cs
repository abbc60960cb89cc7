using Npgsql;
using OrderLedger.EventStore;
using OrderLedger.Projections.Runtime;
using OrderLedger.Projections.Tests.Support;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Projections.Tests;

public sealed class RuntimeTests
{
    [Fact]
    public async Task Builds_in_batches_moves_the_checkpoint_and_reports_status()
    {
        await using var fresh = await Fresh.CreateAsync();
        await TestEvents.AppendAsync(fresh.Store, total: 5_000, perAppend: 250, streams: 20);
        var ledger = new LedgerProjection();
        var expectedSkipped = await Ledger.ScalarAsync<long>(fresh.Db, $"SELECT count(*) FROM eventstore.events WHERE event_type = '{TestEvents.NotedType}'");
        var expectedUnknown = await Ledger.ScalarAsync<long>(fresh.Db, $"SELECT count(*) FROM eventstore.events WHERE event_type = '{TestEvents.AlienType}'");

        await using (var projector = await InProcessProjector.StartAsync(fresh.ConnectionString, [ledger], o => o.CatchUpBatchSize = 1_000))
        {
            var status = await projector.Admin.CaughtUpAsync();

            Assert.Equal(await Ledger.ExpectedDigestAsync(fresh.Db), await Ledger.DigestAsync(fresh.Db));
            Assert.Equal(await fresh.Store.ReadHeadPositionAsync(), status.Checkpoint);
            Assert.Equal(0, status.LagSeconds);
            Assert.Equal(5_000 - expectedSkipped - expectedUnknown, status.EventsHandled);
            Assert.Equal(expectedSkipped, status.EventsSkipped);
            Assert.Equal(expectedUnknown, status.EventsUnknown);
            Assert.True(expectedSkipped > 0 && expectedUnknown > 0);
            Assert.Null(status.LastError);
            Assert.Equal(Environment.MachineName + ":" + Environment.ProcessId, status.ActiveInstance);
            Assert.Equal("proj_ledger_g1", status.Schema);
            // Catching up, batches of up to 1,000 events (the catch-up size; N = 500 only once live): 5,000 events need
            // about five transactions, not thousands.
            Assert.InRange(ledger.Batches, 5, 25);

            // Live: a new event is applied within the batch window, not after a poll of seconds.
            await fresh.Store.AppendAsync("acct-live", ExpectedRevision.NoStream, [TestEvents.Deposit(7)]);
            await Eventually.Get(() => Ledger.ScalarAsync<long>(fresh.Db, "SELECT count(*) FROM rm.ledger_accounts WHERE stream_id = 'acct-live'"), n => n == 1, TimeSpan.FromSeconds(5));
        }

        // Nobody runs it now: the status says so, and shows the lag building up.
        await fresh.Store.AppendAsync("acct-late", ExpectedRevision.NoStream, Enumerable.Range(0, 10).Select(_ => TestEvents.Deposit(1)).ToList());
        await using var admin = await fresh.AdminOnlyAsync(ledger);
        var stopped = await admin.Admin.StatusAsync();
        Assert.Equal(ProjectionState.Stopped, stopped.State);
        Assert.Equal(10, stopped.LagEvents);
        Assert.True(stopped.LagSeconds >= 0);
        Assert.Null(stopped.ActiveInstance);
    }

    [Fact]
    public async Task Catching_up_over_events_it_does_not_handle_moves_the_checkpoint_in_one_write_not_one_per_batch()
    {
        await using var fresh = await Fresh.CreateAsync();
        for (var i = 0; i < 40; i++)
        {
            await fresh.Store.AppendAsync($"notes-{i}", ExpectedRevision.NoStream, [.. Enumerable.Range(0, 100).Select(n => TestEvents.Note($"note {n}"))]);
        }

        await fresh.Store.AppendAsync("acct-last", ExpectedRevision.NoStream, [TestEvents.Deposit(5)]);
        await using (var first = await fresh.ProjectorAsync([new LedgerProjection()]))
        {
            await first.Admin.CaughtUpAsync();
        }

        // Count every write of a ledger checkpoint, then rebuild it (version 2) from the start of the log.
        await Ledger.ScalarAsync<int>(fresh.Db, """
                CREATE TABLE public.checkpoint_writes (generation int NOT NULL);
                CREATE FUNCTION public.count_checkpoint_write() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN INSERT INTO public.checkpoint_writes VALUES (NEW.generation); RETURN NEW; END $$;
                CREATE TRIGGER counted AFTER UPDATE OF checkpoint_commit ON projections.generations FOR EACH ROW
                WHEN (NEW.name = 'ledger' AND NEW.checkpoint_commit IS DISTINCT FROM OLD.checkpoint_commit)
                EXECUTE FUNCTION public.count_checkpoint_write();
                SELECT 1;
                """);
        await using var projector = await fresh.ProjectorAsync([new LedgerProjection(version: 2)], o => o.CatchUpBatchSize = 100);
        var status = await Eventually.Get(() => projector.Admin.CaughtUpAsync(), s => s.Generation == 2, TimeSpan.FromSeconds(60), "the rebuild switched in");

        // Several batches (at most 100 events each), all but the last with nothing for the ledger: the checkpoint is
        // written with the one that had something (and at most once a second before it), not once per batch.
        Assert.Equal(await fresh.Store.ReadHeadPositionAsync(), status.Checkpoint);
        Assert.Equal(4_000, status.EventsSkipped);
        Assert.Equal(1, status.EventsHandled);
        Assert.Equal(1, await Ledger.ScalarAsync<long>(fresh.Db, "SELECT count(*) FROM rm.ledger_accounts WHERE stream_id = 'acct-last'"));
        Assert.InRange(await Ledger.ScalarAsync<long>(fresh.Db, "SELECT count(*) FROM public.checkpoint_writes WHERE generation = 2"), 1, 5);

        // Live, a batch with nothing to apply still moves the checkpoint at once (the status shows no lag).
        await fresh.Store.AppendAsync("notes-live", ExpectedRevision.NoStream, [TestEvents.Note("live")]);
        var live = await projector.Admin.CaughtUpAsync(timeout: TimeSpan.FromSeconds(5));
        Assert.Equal(4_001, live.EventsSkipped);
    }

    [Fact]
    public async Task Under_the_stop_policy_a_handler_error_faults_that_projection_only_and_names_the_event()
    {
        await using var fresh = await Fresh.CreateAsync();
        await TestEvents.AppendAsync(fresh.Store, total: 1_000, perAppend: 100, streams: 5);
        var poison = await fresh.Store.AppendAsync("acct-poison", ExpectedRevision.NoStream, [TestEvents.Deposit(5), TestEvents.Deposit(-666), TestEvents.Deposit(5)]);
        await TestEvents.AppendAsync(fresh.Store, total: 500, perAppend: 100, streams: 5, seed: 2, prefix: "after");
        var poisonPosition = await PositionOfAsync(fresh.Db, "acct-poison", 1);

        var fragile = new LedgerProjection("fragile") { RejectedAmount = -666 };
        var sturdy = new LedgerProjection("sturdy");
        await using var projector = await InProcessProjector.StartAsync(fresh.ConnectionString, [fragile, sturdy], o => o.FailurePolicies["fragile"] = FailurePolicy.Stop);

        var faulted = await Eventually.Get(() => projector.Admin.StatusAsync("fragile"), s => s.State == ProjectionState.Faulted, TimeSpan.FromSeconds(120), "fragile faults");
        await projector.Admin.CaughtUpAsync("sturdy");

        Assert.NotNull(faulted.LastError);
        Assert.False(faulted.LastError.Transient);
        Assert.Equal(poisonPosition, faulted.LastError.Position);
        Assert.Equal("acct-poison", faulted.LastError.StreamId);
        Assert.Equal(TestEvents.DepositedType, faulted.LastError.EventType);
        Assert.Contains("23514", faulted.LastError.Message, StringComparison.Ordinal); // check_violation
        // Everything before the offending event is applied (the batch was split), nothing after it.
        Assert.Equal(await PositionOfAsync(fresh.Db, "acct-poison", 0), faulted.Checkpoint);
        Assert.Equal(1, await Ledger.ScalarAsync<long>(fresh.Db, "SELECT events FROM rm.fragile_accounts WHERE stream_id = 'acct-poison'"));
        Assert.Equal(0, await Ledger.ScalarAsync<long>(fresh.Db, "SELECT count(*) FROM rm.fragile_accounts WHERE stream_id LIKE 'after-%'"));

        // The others go on with new events; the faulted one stays put.
        await fresh.Store.AppendAsync("acct-more", ExpectedRevision.NoStream, [TestEvents.Deposit(1)]);
        var sturdyNow = await projector.Admin.CaughtUpAsync("sturdy");
        Assert.Equal(await fresh.Store.ReadHeadPositionAsync(), sturdyNow.Checkpoint);
        Assert.Equal(faulted.Checkpoint, (await projector.Admin.StatusAsync("fragile")).Checkpoint);
        Assert.True(poison.Position > faulted.Checkpoint!.Value);

        // Resuming retries the same event (the data is still bad), which faults again at the same place.
        Assert.True(await projector.Admin.ResumeAsync("fragile"));
        var again = await Eventually.Get(() => projector.Admin.StatusAsync("fragile"), s => s.State == ProjectionState.Faulted && s.LastError is not null, TimeSpan.FromSeconds(30), "fragile faults again");
        Assert.Equal(poisonPosition, again.LastError!.Position);
    }

    [Fact]
    public async Task Transient_database_errors_are_retried_without_duplicate_effects()
    {
        await using var fresh = await Fresh.CreateAsync();
        await TestEvents.AppendAsync(fresh.Store, total: 4_000, perAppend: 200, streams: 10);
        var ledger = new LedgerProjection
        {
            BeforeBatch = async (number, context) =>
            {
                switch (number)
                {
                    case 2:
                        // Connection lost mid-transaction: the server kills our own session.
                        await using (var kill = new NpgsqlCommand("SELECT pg_terminate_backend(pg_backend_pid())", context.Connection, context.Transaction))
                        {
                            await kill.ExecuteNonQueryAsync();
                        }

                        break;
                    case 4:
                        throw new PostgresException("deadlock detected", "ERROR", "ERROR", PostgresErrorCodes.DeadlockDetected);
                    case 5:
                        throw new PostgresException("could not serialize access", "ERROR", "ERROR", PostgresErrorCodes.SerializationFailure);
                    default:
                        break;
                }
            },
        };

        await using var projector = await InProcessProjector.StartAsync(fresh.ConnectionString, [ledger], o => (o.BatchSize, o.CatchUpBatchSize) = (300, 300));
        var status = await projector.Admin.CaughtUpAsync();

        Assert.Equal(await Ledger.ExpectedDigestAsync(fresh.Db), await Ledger.DigestAsync(fresh.Db));
        Assert.Equal(4_000, status.EventsHandled + status.EventsSkipped + status.EventsUnknown);
        Assert.Null(status.LastError); // cleared by the next successful batch
        Assert.True(ledger.Batches >= 4_000 / 300 + 3);
    }

    [Fact]
    public async Task A_version_bump_rebuilds_blue_green_and_drops_the_old_build()
    {
        await using var fresh = await Fresh.CreateAsync();
        await TestEvents.AppendAsync(fresh.Store, total: 3_000, perAppend: 300, streams: 10);
        await using (var v1 = await InProcessProjector.StartAsync(fresh.ConnectionString, [new LedgerProjection(version: 1)]))
        {
            var first = await v1.Admin.CaughtUpAsync();
            Assert.Equal((1, 1), (first.Version, first.Generation));
        }

        await using var v2 = await InProcessProjector.StartAsync(fresh.ConnectionString, [new LedgerProjection(version: 2)]);
        var second = await Eventually.Get(() => v2.Admin.StatusAsync(), s => s.Version == 2 && s.State == ProjectionState.Live, TimeSpan.FromSeconds(60), "version 2 live");

        Assert.Equal(2, second.Generation);
        Assert.Equal(await Ledger.ExpectedDigestAsync(fresh.Db), await Ledger.DigestAsync(fresh.Db));
        Assert.Equal(2, await Ledger.ScalarAsync<int>(fresh.Db, "SELECT min(schema_version) FROM rm.ledger_accounts")); // the view follows the new shape
        await Eventually.Get(() => Ledger.ScalarAsync<long>(fresh.Db, "SELECT count(*) FROM pg_namespace WHERE nspname = 'proj_ledger_g1'"), n => n == 0, TimeSpan.FromSeconds(10), "g1 dropped");
        var rebuild = await v2.Admin.GetRebuildProgressAsync("ledger");
        Assert.Equal(RebuildState.Completed, rebuild!.State);
        Assert.Equal(3_000, rebuild.Done);
        await v2.DisposeAsync();

        // An older binary (say, mid rolling deploy) takes the lock but neither projects nor rebuilds backwards.
        await using var old = await InProcessProjector.StartAsync(fresh.ConnectionString, [new LedgerProjection(version: 1)]);
        await fresh.Store.AppendAsync("acct-while-old", ExpectedRevision.NoStream, [TestEvents.Deposit(1)]);
        await Task.Delay(1_500);
        var untouched = await old.Admin.StatusAsync();
        Assert.Equal((2, 2), (untouched.Version, untouched.Generation));
        Assert.Null(untouched.Rebuild);
        Assert.Equal(1, untouched.LagEvents);
    }

    [Fact]
    public async Task A_rebuild_goes_live_with_its_tables_vacuumed_and_analyzed_and_its_churned_counters_rewritten()
    {
        await using var fresh = await Fresh.CreateAsync();
        await TestEvents.AppendAsync(fresh.Store, total: 3_000, perAppend: 300, streams: 10);
        await using (var v1 = await InProcessProjector.StartAsync(fresh.ConnectionString, [new LedgerProjection(version: 1)]))
        {
            await v1.Admin.CaughtUpAsync();
        }

        // A rebuild (the first build serves as it goes, so there is no switch to prepare for).
        await using var v2 = await InProcessProjector.StartAsync(fresh.ConnectionString, [new LedgerProjection(version: 2)]);
        await Eventually.Get(() => v2.Admin.StatusAsync(), s => s.Version == 2 && s.State == ProjectionState.Live, TimeSpan.FromSeconds(60), "version 2 live");

        const string Sql = """
            SELECT s.relname, s.last_vacuum IS NOT NULL, s.last_analyze IS NOT NULL, c.relfilenode <> c.oid
            FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
            WHERE s.schemaname = 'proj_ledger_g2' ORDER BY s.relname
            """;
        var tables = await Eventually.Get(
            async () =>
            {
                await using var command = fresh.Db.CreateCommand(Sql);
                await using var reader = await command.ExecuteReaderAsync();
                var rows = new List<(string, bool, bool, bool)>();
                while (await reader.ReadAsync())
                {
                    rows.Add((reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2), reader.GetBoolean(3)));
                }

                return rows;
            },
            rows => rows.Count == 2 && rows.All(r => r.Item3),
            TimeSpan.FromSeconds(10),
            "statistics of both tables");

        // (table, vacuumed, analyzed, rewritten): VACUUM FULL gives a table a new file and is not a plain vacuum.
        Assert.Equal([("ledger_accounts", false, true, true), ("ledger_entries", true, true, false)], tables);
    }

    internal static async Task<Position> PositionOfAsync(NpgsqlDataSource db, string stream, long revision)
    {
        await using var command = db.CreateCommand("SELECT tx_id, seq FROM eventstore.events WHERE stream_id = $1 AND stream_revision = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = revision });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new Position((ulong)reader.GetInt64(0), (ulong)reader.GetInt64(1));
    }
}
