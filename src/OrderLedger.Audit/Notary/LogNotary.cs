using OrderLedger.EventStore;

namespace OrderLedger.Audit.Notary;

/// <param name="ExportDirectory">Where each checkpoint is also written, one file each, never overwritten: an auditor copies it away.</param>
/// <param name="EveryEvents">A checkpoint once this many events were added since the last one…</param>
/// <param name="Interval">…or once this long passed with any event added.</param>
public sealed record NotaryOptions(string ExportDirectory, long EveryEvents = 10_000, TimeSpan? Interval = null, int BatchSize = 5_000)
{
    public TimeSpan CheckpointInterval => Interval ?? TimeSpan.FromSeconds(60);

    /// <summary>How long a caught-up notary waits before reading $all again.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>
/// Keeps the Merkle tree over $all (docs/audit.md): reads the log after its last position like a projection (in
/// batches, PostgreSQL's horizon guaranteeing that no event is skipped), adds one leaf per event, and every N events or T
/// seconds signs a checkpoint of the tree. State, leaves and checkpoint are stored in one transaction; the checkpoint
/// file follows, and any checkpoint missing from the export directory is written again at start.
/// </summary>
public sealed class LogNotary(IEventStore store, NotaryStore notaryStore, NotaryKey key, NotaryOptions options, TimeProvider clock)
{
    public long EventsNotarised { get; private set; }

    /// <summary>Catches up, writes a checkpoint of everything read, and returns it (null for an empty log).</summary>
    public Task<SignedCheckpoint?> RunOnceAsync(CancellationToken cancellationToken = default) => RunAsync(untilCaughtUp: true, cancellationToken);

    /// <summary>Follows the log until cancelled.</summary>
    public async Task RunContinuouslyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync(untilCaughtUp: false, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping is the normal end of a continuous run.
        }
    }

    private async Task<SignedCheckpoint?> RunAsync(bool untilCaughtUp, CancellationToken cancellationToken)
    {
        await notaryStore.MigrateAsync(cancellationToken);
        var newest = await ExportMissingAsync(cancellationToken);
        var state = await notaryStore.LoadStateAsync(cancellationToken);
        var frontier = state.Frontier;
        var last = state.LastPosition;
        var checkpointedSize = newest?.TreeSize ?? 0;
        var checkpointedAt = newest?.Time ?? clock.GetUtcNow();
        while (true)
        {
            var batch = new List<NotarisedLeaf>(options.BatchSize);
            await foreach (var e in store.ReadAllAsync(last, null, options.BatchSize, cancellationToken))
            {
                var leafHash = LogLeaf.HashOf(e);
                batch.Add(new NotarisedLeaf(frontier.Size, e.StreamId, e.Revision, e.Position, leafHash));
                frontier.Append(leafHash);
                last = e.Position;
            }

            var caughtUp = batch.Count < options.BatchSize;
            var now = clock.GetUtcNow();
            var grown = frontier.Size > checkpointedSize;
            var due = grown && (frontier.Size - checkpointedSize >= options.EveryEvents
                || now - checkpointedAt >= options.CheckpointInterval
                || (untilCaughtUp && caughtUp));
            var checkpoint = due ? SignedCheckpoint.Sign(frontier.Size, frontier.Root(), last!.Value.ToString(), now, key) : null;
            if (batch.Count > 0 || checkpoint is not null)
            {
                await notaryStore.SaveAsync(batch, new NotaryState(frontier, last), checkpoint, cancellationToken);
                EventsNotarised += batch.Count;
            }

            if (checkpoint is not null)
            {
                Export(checkpoint);
                (checkpointedSize, checkpointedAt, newest) = (checkpoint.TreeSize, now, checkpoint);
            }

            if (caughtUp)
            {
                if (untilCaughtUp)
                {
                    return newest;
                }

                await Task.Delay(options.PollInterval, clock, cancellationToken);
            }
        }
    }

    private async Task<SignedCheckpoint?> ExportMissingAsync(CancellationToken cancellationToken)
    {
        var checkpoints = await notaryStore.CheckpointsAsync(cancellationToken);
        foreach (var checkpoint in checkpoints)
        {
            Export(checkpoint);
        }

        return checkpoints.Count > 0 ? checkpoints[^1] : null;
    }

    /// <summary>Writes the checkpoint's file unless it is there: the directory only ever grows.</summary>
    private void Export(SignedCheckpoint checkpoint)
    {
        Directory.CreateDirectory(options.ExportDirectory);
        var path = Path.Combine(options.ExportDirectory, checkpoint.FileName);
        if (File.Exists(path))
        {
            return;
        }

        var partial = path + ".partial";
        File.WriteAllText(partial, checkpoint.ToJson());
        File.Move(partial, path, overwrite: false);
    }
}
