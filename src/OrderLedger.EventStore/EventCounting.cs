namespace OrderLedger.EventStore;

/// <summary>Counting events of $all for a store that keeps no count of its own.</summary>
public static class EventCounting
{
    /// <summary>How many events <see cref="CountByReadingAsync"/> counts one by one before it estimates.</summary>
    public const long ExactUpTo = 1_000;

    /// <summary>
    /// Counts by reading $all: exactly up to <see cref="ExactUpTo"/> events, beyond that estimated from commit positions
    /// (on EventStoreDB, bytes of the log: the events read so far cover a known share of the distance to the head).
    /// </summary>
    public static async Task<long> CountByReadingAsync(IEventStore store, Position? after, CancellationToken cancellationToken = default)
    {
        long counted = 0;
        Position? last = null;
        await foreach (var record in store.ReadAllAsync(after, null, ExactUpTo + 1, cancellationToken))
        {
            counted++;
            last = record.Position;
        }

        if (counted <= ExactUpTo || last is not { } reached || await store.ReadHeadPositionAsync(cancellationToken) is not { } head)
        {
            return counted;
        }

        var from = (after ?? Position.Start).Commit;
        return reached.Commit <= from
            ? counted
            : Math.Max(counted, (long)Math.Round(counted * ((double)(head.Commit - from) / (reached.Commit - from))));
    }
}
