using System.Diagnostics;
using System.Text;
using Npgsql;
using OrderLedger.Audit;
using OrderLedger.Audit.Notary;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Postgres;

namespace OrderLedger.Bench;

/// <summary>
/// The costs of the verifiable ledger (issue 19, docs/audit.md): appends with the notary following the log against the
/// same appends without it, the notary's lag behind a live writer, and over a hash-chained dataset the notary's first
/// pass, <c>verify --all</c>, <c>verify --checkpoint</c>, and an inclusion proof's size, build and offline check.
/// </summary>
public sealed class NotaryBenchmark(string connectionString, Action<string> log) : IAsyncDisposable
{
    private readonly string _exportDirectory = Directory.CreateTempSubdirectory("bench-notary-").FullName;
    private readonly NotaryKey _key = NotaryKey.Generate();
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    private NotaryStore Tables => new(_dataSource);

    private LogNotary NewNotary(IEventStore store) =>
        new(store, Tables, _key, new NotaryOptions(_exportDirectory), TimeProvider.System);

    /// <summary>Events/s of the append benchmark while a notary follows the log in the same process.</summary>
    public async Task<double> AppendWithNotaryAsync(AppendBenchmarks appends, int eventsPerAppend)
    {
        await using var store = new PostgresEventStore(new PostgresEventStoreOptions { ConnectionString = connectionString });
        using var stop = new CancellationTokenSource();
        var notary = NewNotary(store);
        var following = notary.RunContinuouslyAsync(stop.Token);
        try
        {
            return await appends.StoreAsync(eventsPerAppend);
        }
        finally
        {
            await stop.CancelAsync();
            await following;
        }
    }

    /// <summary>
    /// Milliseconds from an event's append to its leaf in <c>notary.leaves</c>, for one probe event every 100 ms while
    /// 16 writers append, with the notary on its default settings (reads of 5,000, a poll every 0.5 s when caught up).
    /// </summary>
    public async Task<Latencies> LagAsync(AppendBenchmarks appends, TimeSpan duration)
    {
        await using var store = new PostgresEventStore(new PostgresEventStoreOptions { ConnectionString = connectionString });
        using var stop = new CancellationTokenSource();
        var following = NewNotary(store).RunContinuouslyAsync(stop.Token);
        var load = Task.Run(async () =>
        {
            var until = Stopwatch.StartNew();
            while (until.Elapsed < duration)
            {
                await appends.StoreAsync(1);
            }
        });
        var lags = new Latencies();
        var run = Guid.NewGuid().ToString("N")[..8];
        var clock = Stopwatch.StartNew();
        for (var i = 0; clock.Elapsed < duration; i++)
        {
            var stream = $"probe{run}-{i}";
            var appendedAt = clock.Elapsed;
            await store.AppendAsync(stream, ExpectedRevision.NoStream, [new EventData(Guid.NewGuid(), "bench-probe", "{}"u8.ToArray(), "{}"u8.ToArray())]);
            while (!await IsNotarisedAsync(stream))
            {
                await Task.Delay(5);
            }

            lags.Add((clock.Elapsed - appendedAt).TotalMilliseconds);
            await Task.Delay(100);
        }

        await load;
        await stop.CancelAsync();
        await following;
        return lags;
    }

    private async Task<bool> IsNotarisedAsync(string stream)
    {
        await using var command = _dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM notary.leaves WHERE stream_id = $1)");
        command.Parameters.AddWithValue(stream);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Over the log as it is (the dataset): each audit verb's rate or time, and one proof's size.</summary>
    public async Task<AuditCosts> AuditAsync(long eventsInLog)
    {
        await using var store = await PostgresEventStore.OpenAsync(new PostgresEventStoreOptions { ConnectionString = connectionString });
        await using (var clear = _dataSource.CreateCommand("DROP SCHEMA IF EXISTS notary CASCADE"))
        {
            await clear.ExecuteNonQueryAsync();
        }

        var timer = Stopwatch.StartNew();
        var checkpoint = await NewNotary(store).RunOnceAsync() ?? throw new InvalidOperationException("the dataset is empty");
        var notarySeconds = timer.Elapsed.TotalSeconds;
        log($"notary from nothing over {checkpoint.TreeSize:N0} events: {notarySeconds:F1} s");

        timer.Restart();
        var report = await new ChainVerifier(store).VerifyAllAsync();
        var verifySeconds = timer.Elapsed.TotalSeconds;
        log($"verify --all: {report.EventsChecked:N0} events in {report.StreamsChecked:N0} streams, {report.Breaks.Count} breaks, {verifySeconds:F1} s");
        if (!report.Intact)
        {
            throw new InvalidOperationException($"the dataset does not verify: {report.FirstBreak}");
        }

        var auditor = new LogAuditor(store, Tables);
        timer.Restart();
        var consistency = await auditor.CheckAsync(checkpoint, _key.Public);
        var checkpointSeconds = timer.Elapsed.TotalSeconds;
        log($"verify --checkpoint (tree recomputed): {checkpointSeconds:F1} s, {consistency.Summary}");

        // An event in the middle of the log: its path is as long as any.
        var middle = await store.ReadAllAsync(null, null, checkpoint.TreeSize / 2 + 1).LastAsync();
        timer.Restart();
        var (proof, problem) = await auditor.ProveAsync(middle.StreamId, middle.Revision);
        var proveMilliseconds = timer.Elapsed.TotalMilliseconds;
        if (proof is null)
        {
            throw new InvalidOperationException($"no proof of {middle.StreamId}@{middle.Revision}: {problem}");
        }

        var json = proof.ToJson();
        var checks = new Latencies();
        for (var i = 0; i < 200; i++)
        {
            var check = Stopwatch.StartNew();
            var refutation = InclusionProof.FromJson(json).Refutation(_key.Public);
            checks.Add(check.Elapsed.TotalMilliseconds);
            if (refutation is not null)
            {
                throw new InvalidOperationException($"the proof does not verify: {refutation}");
            }
        }

        var size = Encoding.UTF8.GetByteCount(json);
        log($"proof of {middle.StreamId}@{middle.Revision}: {proof.AuditPath.Count} hashes, {size:N0} bytes, built in {proveMilliseconds:F0} ms, checked offline in {checks.Percentile(50):F3} ms (p50 of 200)");
        return new AuditCosts(eventsInLog, eventsInLog / notarySeconds, eventsInLog / verifySeconds, eventsInLog / checkpointSeconds,
            proof.AuditPath.Count, size, proveMilliseconds, checks.Percentile(50));
    }

    public async ValueTask DisposeAsync()
    {
        _key.Dispose();
        await _dataSource.DisposeAsync();
        Directory.Delete(_exportDirectory, recursive: true);
    }
}

public sealed record AuditCosts(
    long Events, double NotaryEventsPerSecond, double VerifyAllEventsPerSecond, double VerifyCheckpointEventsPerSecond,
    int ProofHashes, int ProofBytes, double ProofBuildMilliseconds, double ProofCheckMilliseconds);
