using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace OrderLedger.Application.CommandHandling;

/// <summary>
/// The folded state of recently used streams, so that a command reads only the events appended since it was folded
/// instead of the whole stream: a hot stock stream holds thousands of reservations. Events never change, so a state at
/// revision r plus the events after r is the state now. States are immutable, so callers can share an entry.
/// The least recently used streams are dropped beyond the capacity.
/// </summary>
internal sealed class StreamStateCache(int capacity)
{
    private readonly ConcurrentDictionary<(string Stream, object Decider), Entry> _entries = new();
    private long _clock;

    public bool Enabled => capacity > 0;

    public Entry? Get(string streamId, object decider)
    {
        if (!Enabled || !_entries.TryGetValue((streamId, decider), out var entry))
        {
            return null;
        }

        entry.Touch(Interlocked.Increment(ref _clock));
        return entry;
    }

    /// <summary>Keeps the newer of the stored and the given fold (racing loads may finish out of order).</summary>
    public void Put(string streamId, object decider, Entry entry)
    {
        if (!Enabled)
        {
            return;
        }

        entry.Touch(Interlocked.Increment(ref _clock));
        _entries.AddOrUpdate((streamId, decider), entry, (_, stored) => stored.Revision >= entry.Revision ? stored : entry);
        if (_entries.Count > capacity)
        {
            EvictLeastRecentlyUsed();
        }
    }

    private void EvictLeastRecentlyUsed()
    {
        // Down to 90% at once, so that a full cache does not sort on every put.
        var keep = capacity * 9 / 10;
        foreach (var (key, _) in _entries.OrderBy(e => e.Value.LastUsed).Take(Math.Max(0, _entries.Count - keep)).ToList())
        {
            _entries.TryRemove(key, out _);
        }
    }

    /// <param name="CommandIds">The command ids of every event up to <paramref name="Revision"/>, to recognise a repeated command.</param>
    public sealed record Entry(object State, ulong Revision, string? LastHash, DateTimeOffset? LastOccurredAt, ImmutableHashSet<string> CommandIds)
    {
        private long _lastUsed;

        public long LastUsed => Volatile.Read(ref _lastUsed);

        public void Touch(long tick) => Volatile.Write(ref _lastUsed, tick);
    }
}
