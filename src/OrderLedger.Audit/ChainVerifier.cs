using OrderLedger.EventStore;
using OrderLedger.EventStore.Audit;

namespace OrderLedger.Audit;

/// <param name="Breaks">Every broken link found, in log order (at most <see cref="ChainVerifier.MaxBreaks"/>).</param>
public sealed record VerificationReport(long EventsChecked, long StreamsChecked, IReadOnlyList<ChainBreak> Breaks)
{
    /// <summary>The break at the earliest position: the first place history was changed.</summary>
    public ChainBreak? FirstBreak => Breaks.Count > 0 ? Breaks[0] : null;

    public bool Intact => Breaks.Count == 0;
}

/// <summary>
/// Re-walks the hash chain (brief §6, docs/audit.md) of one stream or of the whole log and reports every broken link.
/// The whole-log walk also reads each stream's newest event by stream: an event kept out of $all (which projections
/// never see) but still in its stream is a break, and so is a $all out of position order.
/// </summary>
public sealed class ChainVerifier(IEventStore store)
{
    /// <summary>Beyond this many breaks the log is plainly rewritten; the report keeps the first ones.</summary>
    public const int MaxBreaks = 1000;

    private const int ParallelStreamReads = 4;

    public async Task<VerificationReport> VerifyStreamAsync(string streamId, CancellationToken cancellationToken = default)
    {
        var walker = new Walker();
        await foreach (var e in store.ReadStreamAsync(streamId, StreamReadOptions.All, cancellationToken))
        {
            walker.Check(e);
        }

        return walker.Report();
    }

    public async Task<VerificationReport> VerifyAllAsync(IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var walker = new Walker();
        Position? previous = null;
        await foreach (var e in store.ReadAllAsync(null, null, long.MaxValue, cancellationToken))
        {
            if (previous is { } before && e.Position <= before)
            {
                walker.Add(new ChainBreak(e.StreamId, e.Revision, e.Position, $"a position after {before}", $"position {e.Position}"));
            }

            previous = e.Position;
            walker.Check(e);
            if (walker.Events % 100_000 == 0)
            {
                progress?.Report(walker.Events);
            }
        }

        await Parallel.ForEachAsync(walker.LastRevisions(), new ParallelOptions { MaxDegreeOfParallelism = ParallelStreamReads, CancellationToken = cancellationToken }, async (stream, ct) =>
        {
            // What the application decides from is the stream read, not $all: a stream whose reads no longer start at
            // revision 0 (EventStoreDB's $tb or $maxCount, a soft delete) loses history although $all still has it.
            var first = await store.ReadStreamAsync(stream.Key, new StreamReadOptions(ReadDirection.Forwards, 0, 1), ct).FirstOrDefaultAsync(ct);
            if (first is null || first.Revision > 0)
            {
                var hidden = first is null ? $"no event readable in the stream ({stream.Value + 1} in $all): deleted" : $"its reads start at revision {first.Revision}: truncated";
                walker.Add(new ChainBreak(stream.Key, 0, walker.FirstPositionOf(stream.Key), "the stream readable from revision 0", hidden));
                return;
            }

            var newest = await store.ReadStreamAsync(stream.Key, StreamReadOptions.Last(1), ct).FirstOrDefaultAsync(ct);
            if (newest is not null && newest.Revision > stream.Value)
            {
                var hidden = await store.ReadStreamAsync(stream.Key, new StreamReadOptions(ReadDirection.Forwards, stream.Value + 1, 1), ct).FirstAsync(ct);
                walker.Add(new ChainBreak(hidden.StreamId, hidden.Revision, hidden.Position, "every event of the stream in $all", $"revision {hidden.Revision} missing from $all (stream ends at {newest.Revision})"));
            }
        });

        return walker.Report();
    }

    /// <summary>Follows every stream's chain as its events arrive (in revision order within each stream), noting every break.</summary>
    private sealed class Walker
    {
        private readonly Dictionary<string, ChainLink> _last = new(StringComparer.Ordinal);
        private readonly List<ChainBreak> _breaks = [];
        private readonly Dictionary<string, Position> _first = new(StringComparer.Ordinal);

        public long Events { get; private set; }

        public void Check(RecordedEvent e)
        {
            Events++;
            _first.TryAdd(e.StreamId, e.Position);
            _last.TryGetValue(e.StreamId, out var previous);
            var (link, broken) = HashChain.CheckNext(e, previous);
            // After a break the walk goes on from what is recorded, so that each later change is reported once.
            _last[e.StreamId] = link with { Hash = link.Hash.Length > 0 ? link.Hash : previous?.Hash ?? HashChain.GenesisHash };
            if (broken is not null)
            {
                Add(broken);
            }
        }

        public void Add(ChainBreak broken)
        {
            lock (_breaks)
            {
                if (_breaks.Count < MaxBreaks)
                {
                    _breaks.Add(broken);
                }
            }
        }

        public Position FirstPositionOf(string streamId) => _first[streamId];

        public IEnumerable<KeyValuePair<string, ulong>> LastRevisions() =>
            _last.Select(stream => KeyValuePair.Create(stream.Key, stream.Value.Revision)).ToList();

        public VerificationReport Report() =>
            new(Events, _last.Count, [.. _breaks.OrderBy(b => b.Position).ThenBy(b => b.StreamId, StringComparer.Ordinal).ThenBy(b => b.Revision)]);
    }
}
