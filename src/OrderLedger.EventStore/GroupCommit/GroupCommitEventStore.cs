using System.Threading.Channels;

namespace OrderLedger.EventStore.GroupCommit;

/// <summary>
/// Group commit around a store whose <see cref="IEventStore.AppendBatchAsync"/> is one transaction (PostgreSQL): appends
/// that callers make at the same time are written together, many commands' events per transaction, so a busy host pays
/// one round trip, one lock set and one WAL flush for a group instead of one per command. Nothing waits to form a group:
/// a writer takes whatever is queued the moment it is free, so a lone append goes straight through, and groups grow only
/// while <see cref="GroupCommitOptions.Writers"/> transactions are already in flight.
/// <para>
/// Each append keeps its own guarantees: its expected revision is checked, and its events are written all or none.
/// A group that the store refuses as a whole (a part's revision moved, an event id stored elsewhere, a malformed part)
/// is written again part by part, so every caller gets the answer its own append would have had alone and no part is
/// refused for a neighbour's fault. Two appends to one stream never share a group: the later one waits for the next.
/// </para>
/// Reads pass straight through. See docs/event-store.md, "Group commit".
/// </summary>
public sealed class GroupCommitEventStore : IEventStore, IAsyncDisposable
{
    private readonly IEventStore _inner;
    private readonly GroupCommitOptions _options;
    private readonly Channel<PendingAppend> _queue = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Task[] _writers;
    private long _groups;
    private long _grouped;

    private readonly bool _disposeInner;

    /// <param name="disposeInner">Whether disposing this store disposes <paramref name="inner"/> too (false when a container owns it).</param>
    public GroupCommitEventStore(IEventStore inner, GroupCommitOptions? options = null, bool disposeInner = false)
    {
        _inner = inner;
        _disposeInner = disposeInner;
        _options = (options ?? new GroupCommitOptions()).Validated();
        _writers = Enumerable.Range(0, _options.Writers).Select(_ => Task.Run(WriteLoopAsync)).ToArray();
    }

    /// <summary>Transactions written for more than one append, and the appends they held (for telemetry and benchmarks).</summary>
    public (long Groups, long Appends) GroupsWritten => (Interlocked.Read(ref _groups), Interlocked.Read(ref _grouped));

    public async Task<AppendResult> AppendAsync(string streamId, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (events.Count == 0)
        {
            return await _inner.AppendAsync(streamId, expected, events, cancellationToken);
        }

        var pending = new PendingAppend(new StreamAppend(streamId, expected, events));
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(pending), this);

        // A caller that gives up while queued takes its append out of the queue; once a writer has taken it, the append
        // runs to its end (as an append already sent to the server would) and only the caller stops waiting.
        await using var registration = cancellationToken.Register(static state => ((PendingAppend)state!).TryCancel(), pending);
        return await pending.Outcome.WaitAsync(cancellationToken);
    }

    /// <summary>A caller's own batch is already one transaction: it goes straight to the store.</summary>
    public Task<IReadOnlyList<AppendResult>> AppendBatchAsync(IReadOnlyList<StreamAppend> appends, CancellationToken cancellationToken = default) =>
        _inner.AppendBatchAsync(appends, cancellationToken);

    public IAsyncEnumerable<RecordedEvent> ReadStreamAsync(string streamId, StreamReadOptions options, CancellationToken cancellationToken = default) =>
        _inner.ReadStreamAsync(streamId, options, cancellationToken);

    public IAsyncEnumerable<RecordedEvent> ReadAllAsync(Position? after, EventFilter? filter, long maxCount, CancellationToken cancellationToken = default) =>
        _inner.ReadAllAsync(after, filter, maxCount, cancellationToken);

    public IAsyncEnumerable<SubscriptionMessage> SubscribeToAllAsync(Position? after, EventFilter? filter, CancellationToken cancellationToken = default) =>
        _inner.SubscribeToAllAsync(after, filter, cancellationToken);

    public Task<Position?> ReadHeadPositionAsync(CancellationToken cancellationToken = default) => _inner.ReadHeadPositionAsync(cancellationToken);

    public Task<EventLocation?> FindEventAsync(Guid eventId, CancellationToken cancellationToken = default) => _inner.FindEventAsync(eventId, cancellationToken);

    public bool FindsEventsById => _inner.FindsEventsById;

    public Task<long> CountAllAfterAsync(Position? after, CancellationToken cancellationToken = default) => _inner.CountAllAfterAsync(after, cancellationToken);

    /// <summary>Stops taking appends, writes what is queued, and waits for the writers.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_writers);
        if (_disposeInner && _inner is IAsyncDisposable inner)
        {
            await inner.DisposeAsync();
        }
    }

    private async Task WriteLoopAsync()
    {
        var carried = new List<PendingAppend>();
        while (carried.Count > 0 || await _queue.Reader.WaitToReadAsync())
        {
            var group = TakeGroup(carried);
            if (group.Count > 0)
            {
                await WriteAsync(group);
            }
        }
    }

    /// <summary>
    /// What is queued now, up to the group's limits, at most one append per stream; an append to a stream already in the
    /// group is carried to this writer's next group, ahead of anything queued after it.
    /// </summary>
    private List<PendingAppend> TakeGroup(List<PendingAppend> carried)
    {
        var group = new List<PendingAppend>();
        var streams = new HashSet<string>(StringComparer.Ordinal);
        var events = 0;
        var stillCarried = new List<PendingAppend>();
        foreach (var pending in carried)
        {
            if (Fits(pending))
            {
                Add(pending);
            }
            else
            {
                stillCarried.Add(pending);
            }
        }

        carried.Clear();
        carried.AddRange(stillCarried);
        while (group.Count < _options.MaxAppendsPerGroup && events < _options.MaxEventsPerGroup && _queue.Reader.TryRead(out var next))
        {
            if (!next.TryTake())
            {
                continue;
            }

            if (Fits(next))
            {
                Add(next);
            }
            else
            {
                carried.Add(next);
            }
        }

        return group;

        bool Fits(PendingAppend pending) => !streams.Contains(pending.Append.StreamId)
            && (group.Count == 0 || (group.Count < _options.MaxAppendsPerGroup && events + pending.Append.Events.Count <= _options.MaxEventsPerGroup));

        void Add(PendingAppend pending)
        {
            group.Add(pending);
            streams.Add(pending.Append.StreamId);
            events += pending.Append.Events.Count;
        }
    }

    private async Task WriteAsync(List<PendingAppend> group)
    {
        if (group.Count == 1)
        {
            await WriteAloneAsync(group[0]);
            return;
        }

        IReadOnlyList<AppendResult> results;
        try
        {
            results = await _inner.AppendBatchAsync(group.Select(p => p.Append).ToList());
        }
        catch (Exception)
        {
            // Which part failed, and whether the others would have passed alone, is each part's own answer.
            await Task.WhenAll(group.Select(WriteAloneAsync));
            return;
        }

        Interlocked.Increment(ref _groups);
        Interlocked.Add(ref _grouped, group.Count);
        for (var i = 0; i < group.Count; i++)
        {
            group[i].Complete(results[i]);
        }
    }

    private async Task WriteAloneAsync(PendingAppend pending)
    {
        try
        {
            pending.Complete(await _inner.AppendAsync(pending.Append.StreamId, pending.Append.Expected, pending.Append.Events));
        }
        catch (Exception ex)
        {
            pending.Fail(ex);
        }
    }

    private sealed class PendingAppend(StreamAppend append)
    {
        private const int Queued = 0;
        private const int Taken = 1;
        private const int Cancelled = 2;
        private readonly TaskCompletionSource<AppendResult> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _state;

        public StreamAppend Append { get; } = append;

        public Task<AppendResult> Outcome => _outcome.Task;

        public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

        public void TryCancel()
        {
            if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued)
            {
                _outcome.TrySetCanceled();
            }
        }

        public void Complete(AppendResult result) => _outcome.TrySetResult(result);

        public void Fail(Exception exception) => _outcome.TrySetException(exception);
    }
}

/// <param name="Writers">Transactions in flight at once; each takes the appends queued when it starts.</param>
/// <param name="MaxAppendsPerGroup">Appends (commands' writes to one stream) per transaction at most.</param>
/// <param name="MaxEventsPerGroup">Events per transaction at most; a single larger append still goes alone.</param>
public sealed record GroupCommitOptions(int Writers = 4, int MaxAppendsPerGroup = 64, int MaxEventsPerGroup = 1_000)
{
    public GroupCommitOptions Validated() =>
        Writers is < 1 or > 64 ? throw new ArgumentOutOfRangeException(nameof(Writers), Writers, "Writers must be 1 to 64.")
        : MaxAppendsPerGroup is < 1 or > 1_000 ? throw new ArgumentOutOfRangeException(nameof(MaxAppendsPerGroup), MaxAppendsPerGroup, "MaxAppendsPerGroup must be 1 to 1,000.")
        : MaxEventsPerGroup is < 1 or > 100_000 ? throw new ArgumentOutOfRangeException(nameof(MaxEventsPerGroup), MaxEventsPerGroup, "MaxEventsPerGroup must be 1 to 100,000.")
        : this;
}
