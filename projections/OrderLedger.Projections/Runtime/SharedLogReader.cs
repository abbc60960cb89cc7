using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Projections.Runtime;

/// <summary>One event of <c>$all</c> as read (and decoded) once for every projection of the process.</summary>
/// <param name="Decoded">Null when the type is unknown, failed to decode, or no projection wanted it when it was read.</param>
internal sealed record LogEntry(RecordedEvent Record, DecodedEvent? Decoded, Exception? DecodeError, bool Unknown);

/// <summary>Consecutive events of <c>$all</c>; <paramref name="CaughtUp"/>: everything committed before the reader started is delivered.</summary>
internal sealed record LogBatch(IReadOnlyList<LogEntry> Entries, bool CaughtUp);

/// <summary>
/// Reads <c>$all</c> once per process and fans the decoded events out to every generation worker (docs/projections.md,
/// "one reader"). Nine projections each running their own subscription read and decoded the log nine times, on the same
/// cores PostgreSQL needs for the writes.
/// <para>
/// Workers join at their own checkpoint. A <see cref="Cursor"/> is one subscription with the workers it feeds; a worker
/// joins a cursor that stands exactly at its checkpoint, otherwise it gets a cursor of its own. When a cursor's batch
/// covers the position of another cursor, it takes over that cursor's workers (they skip what they already have) and
/// the other one stops, so a rebuild started behind a running one, or a live generation catching up to the tail,
/// ends up sharing one read. A young cursor that is still catching up waits for a cursor that started behind it within
/// its own range (bounded by <see cref="HoldLimit"/> events), so projections that start a moment apart merge at once
/// instead of reading the log side by side for the whole build.
/// </para>
/// <para>
/// Memory is bounded: each worker's queue holds <see cref="QueueBatches"/> batches and the cursor waits for the slowest
/// worker it feeds. A worker that faults or stops leaves its cursor at once; a rebuild (far behind) never shares a cursor
/// with the live generations, so neither one paces the other.
/// </para>
/// </summary>
internal sealed class SharedLogReader(IEventStore store, EventCodec codec, ProjectionOptions options, ILogger logger, ILogger? timingsLogger = null) : IAsyncDisposable
{
    /// <summary>Batches a worker may have queued beyond the one it is applying.</summary>
    internal const int QueueBatches = 2;

    /// <summary>A cursor that has delivered more than this many events no longer waits for later joiners behind it.</summary>
    internal const long HoldLimit = 200_000;

    private readonly IEventStore _store = store;
    private readonly EventCodec _codec = codec;
    private readonly ProjectionOptions _options = options;
    private readonly ILogger _logger = logger;
    private readonly object _lock = new();
    private readonly List<Cursor> _cursors = [];
    private readonly CancellationTokenSource _stopping = new();
    private Task? _reporting;

    public Timings Timings { get; } = new();

    /// <summary>How many cursors (concurrent <c>$all</c> reads) are running; for tests and logs.</summary>
    public int CursorCount
    {
        get
        {
            lock (_lock)
            {
                return _cursors.Count;
            }
        }
    }

    /// <summary>
    /// Starts feeding a worker whose checkpoint is <paramref name="after"/>, wanting <paramref name="eventTypes"/>
    /// (events of other types are delivered undecoded, for the checkpoint). Dispose the feed to leave.
    /// </summary>
    public LogFeed Join(Position? after, IReadOnlySet<string> eventTypes)
    {
        var feed = new LogFeed(this, after, eventTypes);
        Cursor? started = null;
        lock (_lock)
        {
            if (timingsLogger is not null)
            {
                // Under the lock: workers join concurrently, and one report loop is enough.
                _reporting ??= Timings.ReportAsync(timingsLogger, _stopping.Token);
            }

            var cursor = _cursors.FirstOrDefault(c => !c.Absorbed && c.Last == after);
            if (cursor is null)
            {
                cursor = started = new Cursor(this, after);
                _cursors.Add(cursor);
            }

            cursor.Consumers.Add(feed);
            feed.Cursor = cursor;
            if (cursor.CaughtUp)
            {
                // It stands where the worker is and has delivered everything up to the head: say so now, not at the next event.
                feed.Enqueue(new LogBatch([], CaughtUp: true));
            }
        }

        started?.Launch(_stopping.Token);
        return feed;
    }

    private void Leave(LogFeed feed)
    {
        Cursor? idle = null;
        lock (_lock)
        {
            if (feed.Cursor is { } cursor && cursor.Consumers.Remove(feed) && cursor.Consumers.Count == 0)
            {
                _cursors.Remove(cursor);
                cursor.Absorbed = true;
                idle = cursor;
            }

            feed.Cursor = null;
        }

        feed.Complete(null);
        idle?.Cancel();
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        List<Cursor> cursors;
        lock (_lock)
        {
            cursors = [.. _cursors];
            _cursors.Clear();
        }

        foreach (var cursor in cursors)
        {
            cursor.Cancel();
            foreach (var feed in cursor.Consumers)
            {
                feed.Complete(new OperationCanceledException("The projector is stopping."));
            }
        }

        await Task.WhenAll(cursors.Select(c => c.Completion));
        if (_reporting is not null)
        {
            await _reporting;
        }

        _stopping.Dispose();
    }

    private static int Compare(Position? a, Position? b) =>
        a is { } x ? (b is { } y ? x.CompareTo(y) : 1) : (b is null ? 0 : -1);

    /// <summary>What one worker receives: batches in log order, contiguous from its checkpoint (possibly with events it already has).</summary>
    internal sealed class LogFeed : IAsyncDisposable
    {
        private readonly SharedLogReader _reader;
        private readonly Channel<LogBatch> _channel = Channel.CreateBounded<LogBatch>(new BoundedChannelOptions(QueueBatches) { SingleReader = true });

        // Writes to one feed are chained under the reader's lock, so batches arrive in the order the cursors delivered
        // them even when the feed moved from one cursor to another in between.
        private Task _tail = Task.CompletedTask;

        internal LogFeed(SharedLogReader reader, Position? after, IReadOnlySet<string> eventTypes)
        {
            _reader = reader;
            Joined = after;
            EventTypes = eventTypes;
        }

        public Position? Joined { get; }

        public IReadOnlySet<string> EventTypes { get; }

        public ChannelReader<LogBatch> Batches => _channel.Reader;

        internal Cursor? Cursor { get; set; }

        /// <summary>Queues a batch after every earlier one; the task completes when the worker's queue took it. Call under the reader's lock.</summary>
        internal Task Enqueue(LogBatch batch)
        {
            _tail = WriteAfterAsync(_tail, batch);
            return _tail;
        }

        private async Task WriteAfterAsync(Task previous, LogBatch batch)
        {
            await previous;
            try
            {
                await _channel.Writer.WriteAsync(batch);
            }
            catch (ChannelClosedException)
            {
                // The worker left: nobody waits for this batch any more.
            }
        }

        internal void Complete(Exception? error) => _channel.Writer.TryComplete(error);

        public ValueTask DisposeAsync()
        {
            _reader.Leave(this);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>One <c>$all</c> subscription and the workers it feeds.</summary>
    internal sealed class Cursor(SharedLogReader reader, Position? start) : IDisposable
    {
        private readonly CancellationTokenSource _cancel = new();
        private HashSet<string> _wanted = [];

        public Position? Start { get; } = start;

        /// <summary>Position of the last event delivered (the start before the first one). Changes under the reader's lock.</summary>
        public Position? Last { get; private set; } = start;

        public long Delivered { get; private set; }

        public bool CaughtUp { get; private set; }

        /// <summary>Stopped: merged into another cursor, or left without workers.</summary>
        public bool Absorbed { get; set; }

        public List<LogFeed> Consumers { get; } = [];

        public Task Completion { get; private set; } = Task.CompletedTask;

        public void Launch(CancellationToken stopping)
        {
            var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, _cancel.Token);
            Completion = Task.Run(async () =>
            {
                try
                {
                    await RunAsync(linked.Token);
                }
                finally
                {
                    linked.Dispose();
                }
            }, CancellationToken.None);
        }

        public void Cancel()
        {
            try
            {
                _cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        private async Task RunAsync(CancellationToken cancellationToken)
        {
            var options = reader._options;
            var pump = Channel.CreateBounded<SubscriptionMessage>(new BoundedChannelOptions(Math.Max(options.CatchUpBatchSize, 256))
            {
                SingleReader = true,
                SingleWriter = true,
            });
            using var pumpCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var pumping = PumpAsync(pump.Writer, pumpCancellation.Token);
            Exception? failure = null;
            try
            {
                var batch = new List<LogEntry>(options.CatchUpBatchSize);
                while (true)
                {
                    var caughtUp = await ReadBatchAsync(pump.Reader, batch, cancellationToken);
                    if (batch.Count == 0 && !caughtUp)
                    {
                        continue;
                    }

                    if (!await DeliverAsync(new LogBatch(batch, caughtUp || CaughtUp), cancellationToken))
                    {
                        return;
                    }

                    batch = new List<LogEntry>(CaughtUp ? options.BatchSize : options.CatchUpBatchSize);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                failure = ex;
                reader._logger.LogWarning(ex, "Projections: the shared $all reader from {Start} failed; its workers restart.", Start?.ToString() ?? "the start");
            }
            finally
            {
                await pumpCancellation.CancelAsync();
                try
                {
                    await pumping;
                }
                catch (Exception)
                {
                    // Cancelled, or the subscription failed: either way its error already ended the loop.
                }

                List<LogFeed> orphans;
                lock (reader._lock)
                {
                    reader._cursors.Remove(this);
                    orphans = Absorbed ? [] : [.. Consumers];
                    Absorbed = true;
                }

                // Workers of a cursor that failed (not merged, not left) restart from their checkpoints.
                foreach (var feed in orphans)
                {
                    feed.Complete(failure ?? new OperationCanceledException("The shared $all reader stopped."));
                }

                Dispose();
            }
        }

        /// <summary>Called by its own run when it ends; a later <see cref="Cancel"/> is then a no-op.</summary>
        public void Dispose() => _cancel.Dispose();

        private async Task PumpAsync(ChannelWriter<SubscriptionMessage> writer, CancellationToken cancellationToken)
        {
            await Task.Yield();
            try
            {
                await foreach (var message in reader._store.SubscribeToAllAsync(Start, null, cancellationToken))
                {
                    await writer.WriteAsync(message, cancellationToken);
                }

                writer.TryComplete(new InvalidOperationException("The $all subscription ended."));
            }
            catch (Exception ex)
            {
                writer.TryComplete(ex);
                throw;
            }
        }

        /// <summary>
        /// Fills <paramref name="batch"/>: while catching up as many events as are ready (up to the catch-up batch size),
        /// when live up to N events or whatever arrived within T of the first one. True when the subscription reported
        /// "caught up".
        /// </summary>
        private async Task<bool> ReadBatchAsync(ChannelReader<SubscriptionMessage> pump, List<LogEntry> batch, CancellationToken cancellationToken)
        {
            var options = reader._options;
            var waiting = Timings.Now;
            var ready = await pump.WaitToReadAsync(cancellationToken);
            reader.Timings.ReadWait(waiting);
            if (!ready)
            {
                await pump.Completion; // rethrows the subscription's error
                throw new InvalidOperationException("The $all subscription ended.");
            }

            var limit = CaughtUp ? options.BatchSize : options.CatchUpBatchSize;
            var wanted = Wanted();
            var deadline = Stopwatch.GetTimestamp() + (long)(options.BatchWindow.TotalSeconds * Stopwatch.Frequency);
            while (true)
            {
                var decoding = Timings.Now;
                while (batch.Count < limit && pump.TryRead(out var message))
                {
                    switch (message)
                    {
                        case SubscriptionMessage.Event e:
                            batch.Add(Decode(e.Record, wanted));
                            break;
                        case SubscriptionMessage.CaughtUp:
                            reader.Timings.Decode(decoding);
                            return true;
                        default:
                            break;
                    }
                }

                reader.Timings.Decode(decoding);

                if (batch.Count >= limit || batch.Count == 0)
                {
                    return false;
                }

                var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                if (remaining <= TimeSpan.Zero)
                {
                    return false;
                }

                using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                window.CancelAfter(remaining);
                var windowWait = Timings.Now;
                try
                {
                    if (!await pump.WaitToReadAsync(window.Token))
                    {
                        return false;
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return false;
                }
                finally
                {
                    reader.Timings.ReadWait(windowWait);
                }
            }
        }

        /// <summary>The event types the current workers handle: only those are decoded here (a later joiner decodes the rest itself).</summary>
        private HashSet<string> Wanted()
        {
            lock (reader._lock)
            {
                if (Consumers.Any(c => !c.EventTypes.IsSubsetOf(_wanted)))
                {
                    _wanted = [.. _wanted, .. Consumers.SelectMany(c => c.EventTypes)];
                }

                return _wanted;
            }
        }

        private LogEntry Decode(RecordedEvent record, HashSet<string> wanted)
        {
            var codec = reader._codec;
            if (!codec.Registry.IsKnown(record.Type))
            {
                return new LogEntry(record, null, null, Unknown: true);
            }

            if (!wanted.Contains(record.Type))
            {
                return new LogEntry(record, null, null, Unknown: false);
            }

            try
            {
                return new LogEntry(record, codec.Decode(record), null, Unknown: false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Not this reader's failure: the worker that handles the type faults on this event.
                return new LogEntry(record, null, ex, Unknown: false);
            }
        }

        /// <summary>Hands a batch to every worker of this cursor (and of the cursors it overtakes); false once this cursor stopped.</summary>
        private async Task<bool> DeliverAsync(LogBatch batch, CancellationToken cancellationToken)
        {
            var started = Timings.Now;
            await HoldForJoinersBehindAsync(cancellationToken);
            var writes = new List<Task>();
            List<Cursor> overtaken = [];
            lock (reader._lock)
            {
                if (Absorbed)
                {
                    return false;
                }

                var from = Last;
                var to = batch.Entries.Count > 0 ? batch.Entries[^1].Record.Position : Last;
                foreach (var other in reader._cursors)
                {
                    // Its workers have everything up to other.Last, which this batch covers: they continue here.
                    if (other != this && !other.Absorbed && Compare(from, other.Last) <= 0 && Compare(other.Last, to) <= 0)
                    {
                        other.Absorbed = true;
                        Consumers.AddRange(other.Consumers);
                        foreach (var feed in other.Consumers)
                        {
                            feed.Cursor = this;
                        }

                        overtaken.Add(other);
                    }
                }

                foreach (var other in overtaken)
                {
                    reader._cursors.Remove(other);
                }

                Last = to;
                Delivered += batch.Entries.Count;
                CaughtUp |= batch.CaughtUp;
                foreach (var feed in Consumers)
                {
                    writes.Add(feed.Enqueue(batch));
                }
            }

            foreach (var other in overtaken)
            {
                other.Cancel();
            }

            // Back-pressure: the next batch is read while the workers apply this one, but no further ahead than their queues.
            await Task.WhenAll(writes).WaitAsync(cancellationToken);
            reader.Timings.DeliverWait(started, batch.Entries.Count);
            return true;
        }

        /// <summary>
        /// While young and catching up, waits for a cursor that started later but behind this one's last position:
        /// it will overtake this one within at most <see cref="HoldLimit"/> events and take its workers along.
        /// </summary>
        private async Task HoldForJoinersBehindAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                lock (reader._lock)
                {
                    if (Absorbed || CaughtUp || Delivered > HoldLimit
                        || !reader._cursors.Any(o => o != this && !o.Absorbed && !o.CaughtUp && Compare(Start, o.Last) <= 0 && Compare(o.Last, Last) < 0))
                    {
                        return;
                    }
                }

                await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken);
            }
        }
    }
}
