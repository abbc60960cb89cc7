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
    private int _evicting;

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
        // One evictor at a time: the others' puts are trimmed by the next eviction.
        if (Interlocked.Exchange(ref _evicting, 1) == 1)
        {
            return;
        }

        try
        {
            // Enumerate, never copy: LINQ copies an ICollection by Count then CopyTo, which throws when another thread
            // adds in between. Down to 90% at once, so that a full cache does not sort on every put.
            var snapshot = new List<((string, object) Key, long LastUsed)>(capacity + 1);
            foreach (var (key, entry) in _entries)
            {
                snapshot.Add((key, entry.LastUsed));
            }

            var keep = capacity * 9 / 10;
            foreach (var (key, _) in snapshot.OrderBy(e => e.LastUsed).Take(Math.Max(0, snapshot.Count - keep)))
            {
                _entries.TryRemove(key, out _);
            }
        }
        finally
        {
            Volatile.Write(ref _evicting, 0);
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
