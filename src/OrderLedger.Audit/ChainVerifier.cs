using OrderLedger.EventStore;
using OrderLedger.EventStore.Audit;

namespace OrderLedger.Audit;

public sealed record VerificationReport(long EventsChecked, long StreamsChecked, ChainBreak? FirstBreak)
{
    public bool Intact => FirstBreak is null;
}

/// <summary>Re-walks the hash chain (brief §6) of one stream or of the whole log and reports the first broken link.</summary>
public sealed class ChainVerifier(IEventStore store)
{
    public async Task<VerificationReport> VerifyStreamAsync(string streamId, CancellationToken cancellationToken = default)
    {
        var walker = new Walker();
        await foreach (var e in store.ReadStreamAsync(streamId, StreamReadOptions.All, cancellationToken))
        {
            if (walker.Check(e) is { } broken)
            {
                return walker.Report(broken);
            }
        }

        return walker.Report(null);
    }

    public async Task<VerificationReport> VerifyAllAsync(IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var walker = new Walker();
        await foreach (var e in store.ReadAllAsync(null, null, long.MaxValue, cancellationToken))
        {
            if (walker.Check(e) is { } broken)
            {
                return walker.Report(broken);
            }

            if (walker.Events % 100_000 == 0)
            {
                progress?.Report(walker.Events);
            }
        }

        return walker.Report(null);
    }

    /// <summary>Follows every stream's chain as its events arrive (in revision order within each stream).</summary>
    private sealed class Walker
    {
        private readonly Dictionary<string, (ulong Revision, string Hash)> _last = new(StringComparer.Ordinal);

        public long Events { get; private set; }

        public ChainBreak? Check(RecordedEvent e)
        {
            Events++;
            var expectedPrev = HashChain.GenesisHash;
            if (_last.TryGetValue(e.StreamId, out var last))
            {
                if (e.Revision != last.Revision + 1)
                {
                    return new ChainBreak(e.StreamId, e.Revision, e.Position, $"revision {last.Revision + 1}", $"revision {e.Revision}");
                }

                expectedPrev = last.Hash;
            }
            else if (e.Revision != 0)
            {
                return new ChainBreak(e.StreamId, e.Revision, e.Position, "revision 0", $"revision {e.Revision}");
            }

            var (hash, broken) = HashChain.Check(e, expectedPrev);
            _last[e.StreamId] = (e.Revision, hash);
            return broken;
        }

        public VerificationReport Report(ChainBreak? broken) => new(Events, _last.Count, broken);
    }
}
