using OrderLedger.EventStore;

namespace OrderLedger.Audit.Notary;

/// <summary>The first leaf where the log today differs from what the notary signed.</summary>
/// <param name="Notarised">The event the notary read at that place (null when its leaf table cannot be trusted).</param>
/// <param name="Found">The event the log has there today (null when the log is shorter).</param>
public sealed record CheckpointBreak(long LeafIndex, NotarisedEvent? Notarised, NotarisedEvent? Found);

public sealed record NotarisedEvent(string StreamId, ulong Revision, string Position);

/// <param name="SignatureValid">False: the checkpoint was not signed by the given key (forged or altered); nothing else is checked.</param>
/// <param name="Consistent">True when the first TreeSize events of $all today have the signed root.</param>
public sealed record CheckpointReport(
    bool SignatureValid, long TreeSize, string SignedRoot, long EventsInLog, string? ComputedRoot, bool Consistent, CheckpointBreak? FirstChange, string Summary);

/// <summary>An event, the signed checkpoint it is under, and the audit path between them: checkable offline with the public key.</summary>
public sealed record InclusionProof(
    string Format, SignedCheckpoint Checkpoint, long LeafIndex, ProvenEvent Event, IReadOnlyList<string> AuditPath)
{
    public const string CurrentFormat = "orderledger-inclusion-proof/v1";

    public string ToJson() => AuditDocuments.Write(this);

    public static InclusionProof FromJson(string json) => AuditDocuments.Read<InclusionProof>(json, "an inclusion proof");

    /// <summary>Null when the proof holds; else why not. Needs nothing but the proof and the public key.</summary>
    public string? Refutation(NotaryPublicKey key)
    {
        if (Format != CurrentFormat)
        {
            return $"unknown proof format '{Format}'";
        }

        if (!Checkpoint.IsSignedBy(key))
        {
            return $"the checkpoint (tree size {Checkpoint.TreeSize}) is not signed by key {key.KeyId}";
        }

        byte[][] path;
        try
        {
            path = [.. AuditPath.Select(Convert.FromHexString)];
        }
        catch (FormatException)
        {
            return "the audit path is not hex";
        }

        return MerkleTree.VerifyInclusion(LogLeaf.HashOf(Event.ToRecorded()), LeafIndex, Checkpoint.TreeSize, path, Checkpoint.Root())
            ? null
            : $"the event {Event.StreamId}@{Event.Revision} is not leaf {LeafIndex} of the signed tree of {Checkpoint.TreeSize}";
    }
}

/// <summary>The stored fields of an event, exactly (data and metadata base64), so its leaf is recomputed from them.</summary>
public sealed record ProvenEvent(string StreamId, ulong Revision, Guid EventId, string Type, string Position, string Data, string Metadata)
{
    public static ProvenEvent Of(RecordedEvent e) =>
        new(e.StreamId, e.Revision, e.EventId, e.Type, e.Position.ToString(), Convert.ToBase64String(e.Data.Span), Convert.ToBase64String(e.Metadata.Span));

    public RecordedEvent ToRecorded() =>
        new(StreamId, Revision, EventStore.Position.TryParse(Position, out var p) ? p : EventStore.Position.Start, EventId, Type,
            Convert.FromBase64String(Data), Convert.FromBase64String(Metadata), DateTimeOffset.UnixEpoch);
}

/// <summary>
/// Checks the log against signed checkpoints (docs/audit.md) and builds inclusion proofs. The Merkle tree is recomputed
/// from $all as it is today; the notary's leaf table is used only to name the first place changed and to build proofs
/// fast, and only after its leaves are shown to give the signed root.
/// </summary>
public sealed class LogAuditor(IEventStore store, NotaryStore notaryStore)
{
    public async Task<CheckpointReport> CheckAsync(SignedCheckpoint checkpoint, NotaryPublicKey key, CancellationToken cancellationToken = default)
    {
        if (!checkpoint.IsSignedBy(key))
        {
            return new CheckpointReport(false, checkpoint.TreeSize, checkpoint.RootHash, 0, null, false, null,
                $"the checkpoint is not signed by key {key.KeyId}: it was forged or altered");
        }

        var log = new List<RecordedEvent>();
        var leaves = new List<byte[]>();
        await foreach (var e in store.ReadAllAsync(null, null, checkpoint.TreeSize, cancellationToken))
        {
            log.Add(e);
            leaves.Add(LogLeaf.HashOf(e));
        }

        var computed = MerkleTree.Root(leaves);
        if (leaves.Count == checkpoint.TreeSize && computed.AsSpan().SequenceEqual(checkpoint.Root()))
        {
            return new CheckpointReport(true, checkpoint.TreeSize, checkpoint.RootHash, leaves.Count, checkpoint.RootHash, true, null,
                $"consistent: the first {checkpoint.TreeSize:N0} events of $all have the signed root");
        }

        var change = await FirstChangeAsync(checkpoint, log, leaves, cancellationToken);
        var where = change.Notarised is { } was
            ? $"; first change at leaf {change.LeafIndex}: the notary signed {was.StreamId} revision {was.Revision} (position {was.Position}), the log has {(change.Found is { } now ? $"{now.StreamId} revision {now.Revision} (position {now.Position})" : "nothing")} there"
            : $"; the notary's leaf table does not give the signed root either, so the first change is not located (at or after leaf {change.LeafIndex})";
        var shape = leaves.Count < checkpoint.TreeSize ? $"the log has only {leaves.Count:N0} of the {checkpoint.TreeSize:N0} events signed" : "the events signed were changed";
        return new CheckpointReport(true, checkpoint.TreeSize, checkpoint.RootHash, leaves.Count, Convert.ToHexStringLower(computed), false, change,
            $"INCONSISTENT with the checkpoint: {shape}{where}");
    }

    private async Task<CheckpointBreak> FirstChangeAsync(SignedCheckpoint checkpoint, List<RecordedEvent> log, List<byte[]> leaves, CancellationToken cancellationToken)
    {
        var recorded = await notaryStore.LeavesAsync(checkpoint.TreeSize, cancellationToken);
        var trusted = recorded.Count == checkpoint.TreeSize && MerkleTree.Root([.. recorded.Select(l => l.Hash)]).AsSpan().SequenceEqual(checkpoint.Root());
        var index = 0;
        while (index < leaves.Count && index < recorded.Count && leaves[index].AsSpan().SequenceEqual(recorded[index].Hash))
        {
            index++;
        }

        var found = index < log.Count ? new NotarisedEvent(log[index].StreamId, log[index].Revision, log[index].Position.ToString()) : null;
        var notarised = trusted ? new NotarisedEvent(recorded[index].StreamId, recorded[index].Revision, recorded[index].Position.ToString()) : null;
        return new CheckpointBreak(index, notarised, found);
    }

    /// <summary>
    /// The inclusion proof of one event against the newest checkpoint, or why there is none (not notarised yet, or the
    /// notary's leaves no longer give the signed root).
    /// </summary>
    public async Task<(InclusionProof? Proof, string? Problem)> ProveAsync(string streamId, ulong revision, CancellationToken cancellationToken = default)
    {
        var checkpoint = await notaryStore.NewestCheckpointAsync(cancellationToken);
        if (checkpoint is null)
        {
            return (null, "no checkpoint has been signed yet (ledger notary run)");
        }

        var e = await store.ReadStreamAsync(streamId, new StreamReadOptions(ReadDirection.Forwards, revision, 1), cancellationToken)
            .FirstOrDefaultAsync(e => e.Revision == revision, cancellationToken);
        if (e is null)
        {
            return (null, $"{streamId} has no revision {revision}");
        }

        var index = await notaryStore.LeafIndexOfAsync(streamId, revision, cancellationToken);
        if (index is not { } leafIndex || leafIndex >= checkpoint.TreeSize)
        {
            return (null, $"{streamId} revision {revision} is not under the newest checkpoint (tree size {checkpoint.TreeSize}) yet");
        }

        var leaves = await notaryStore.LeafHashesAsync(checkpoint.TreeSize, cancellationToken);
        if (leaves.Count != checkpoint.TreeSize || !MerkleTree.Root(leaves).AsSpan().SequenceEqual(checkpoint.Root()))
        {
            return (null, "the notary's leaf table does not give the signed root: it was altered (ledger verify --checkpoint)");
        }

        var path = MerkleTree.InclusionProof(leaves, leafIndex, checkpoint.TreeSize).Select(Convert.ToHexStringLower).ToList();
        return (new InclusionProof(InclusionProof.CurrentFormat, checkpoint, leafIndex, ProvenEvent.Of(e), path), null);
    }
}
