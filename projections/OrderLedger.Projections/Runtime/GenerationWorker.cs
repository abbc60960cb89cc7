using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Projections.Runtime;

/// <summary>
/// Feeds one generation (build) of a projection from the process's shared <c>$all</c> reader: each batch it hands over
/// (large while catching up, up to N events or T ms when live) is applied in one transaction that also moves the
/// checkpoint. Transient database errors are retried with backoff; any other handler error parks the offending event
/// (failure policy <c>park</c>, the default) or faults this generation only (<c>stop</c>), naming the event, and leaves
/// the shared reader to the others.
/// </summary>
internal sealed class GenerationWorker(
    IProjection projection,
    GenerationRecord generation,
    SharedLogReader reader,
    EventCodec codec,
    ProjectionCatalog catalog,
    ProjectionOptions options,
    ILogger logger)
{
    private readonly RateMeter _rate = new();
    private readonly string _name = projection.Name;
    private readonly int _number = generation.Generation;
    private readonly FailurePolicy _policy = options.PolicyOf(projection.Name);
    private Position? _checkpoint; // as committed
    private Segment? _deferred; // events past the checkpoint that this projection skips, not yet written (catching up only)
    private long _lastWrite = Timings.Now;

    /// <summary>
    /// While catching up, a batch with nothing for this projection moves its checkpoint at most this often: the write is
    /// a transaction of its own, and a build that handles few of the log's events (stock, refunds, alerts) spent more
    /// time writing checkpoints than applying. A restart repeats at most this much skipping; live, every batch is written.
    /// </summary>
    internal static readonly TimeSpan DeferSkippedCheckpointFor = TimeSpan.FromSeconds(1);

    /// <summary>How far this generation has read: the committed checkpoint, or past it the deferred skipped events.</summary>
    private Position? Through => _deferred?.Last?.Position ?? _checkpoint;

    public GenerationRecord Generation => generation;

    /// <summary>Set when the generation caught up with the head at least once.</summary>
    public bool CaughtUp { get; private set; }

    /// <summary>Runs until cancelled, faulted (returns), fenced off by another instance, or switched away from.</summary>
    public async Task RunAsync(Func<GenerationWorker, Position?, CancellationToken, Task<bool>> onCaughtUp, CancellationToken cancellationToken)
    {
        _checkpoint = await catalog.ReadCheckpointAsync(generation, cancellationToken);
        await catalog.SetPhaseAsync(generation, Phases.CatchingUp, cancellationToken);
        Log.Starting(logger, _name, _number, generation.Role, _checkpoint);

        await using var feed = reader.Join(_checkpoint, projection.EventTypes);
        var switched = false;
        while (!switched)
        {
            var waiting = Timings.Now;
            var ready = await feed.Batches.WaitToReadAsync(cancellationToken);
            reader.Timings.Projection(_name, Timings.Step.Wait, Timings.Now - waiting);
            if (!ready)
            {
                await feed.Batches.Completion; // rethrows the shared reader's error
                throw new InvalidOperationException("The shared $all reader stopped feeding this projection.");
            }

            if (!feed.Batches.TryRead(out var batch))
            {
                continue;
            }

            if (!await ProcessAsync(batch.Entries, batch.CaughtUp, cancellationToken))
            {
                return; // faulted
            }

            if (batch.CaughtUp && !CaughtUp)
            {
                CaughtUp = true;
                await catalog.SetPhaseAsync(generation, Phases.Live, cancellationToken);
                Log.CaughtUp(logger, _name, _number, _checkpoint);
                switched = await onCaughtUp(this, _checkpoint, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Applies the events of a batch after the checkpoint (the shared reader may repeat ones it has), with the deferred
    /// skipped events before them; false if the generation faulted.
    /// </summary>
    private async Task<bool> ProcessAsync(IReadOnlyList<LogEntry> batch, bool batchCaughtUp, CancellationToken cancellationToken)
    {
        var through = Through;
        var segment = _deferred ?? new Segment(); // a deferred segment holds only counts and its last event: go on from it
        _deferred = null;
        segment.Reserve(batch.Count);
        foreach (var entry in batch)
        {
            var record = entry.Record;
            if (through is { } seen && record.Position <= seen)
            {
                continue;
            }

            if (entry.Unknown)
            {
                segment.Add(record, null, unknown: true);
                continue;
            }

            if (!projection.EventTypes.Contains(record.Type))
            {
                segment.Add(record, null, unknown: false);
                continue;
            }

            DecodedEvent decoded;
            try
            {
                // Decoded once by the shared reader; only a worker that joined after it read this event decodes it here.
                decoded = entry.Decoded ?? (entry.DecodeError is { } error ? throw error : codec.Decode(record));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Apply everything before the undecodable event, then park it or fault on it.
                if (segment.Last is not null && !await ApplyWithRetryAsync(segment, cancellationToken))
                {
                    return false;
                }

                if (_policy == FailurePolicy.Park)
                {
                    var alone = new Segment();
                    alone.Add(record, null, unknown: false);
                    if (!await ParkWithRetryAsync(alone, record, ex, cancellationToken))
                    {
                        return false;
                    }

                    segment = new Segment();
                    continue;
                }

                await FaultAsync(ex, record, cancellationToken);
                return false;
            }

            segment.Add(record, decoded, unknown: false);
        }

        if (segment.Last is null)
        {
            return true;
        }

        if (segment.Handled.Count == 0 && !CaughtUp && !batchCaughtUp && Stopwatch.GetElapsedTime(_lastWrite) < DeferSkippedCheckpointFor)
        {
            _deferred = segment.Skipped();
            return true;
        }

        return await ApplyWithRetryAsync(segment, cancellationToken);
    }

    private async Task<bool> ApplyWithRetryAsync(Segment segment, CancellationToken cancellationToken)
    {
        var delay = options.FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ApplyAsync(segment, cancellationToken);
                return true;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not FencedException && TransientErrors.IsTransient(ex))
            {
                logger.LogWarning(ex, "Projection {Name} g{Generation}: transient error (attempt {Attempt}); retrying in {Delay}.", projection.Name, generation.Generation, attempt, delay);
                await TryRecordAsync(ex, null, transient: true, cancellationToken);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(options.MaxRetryDelay.Ticks, delay.Ticks * 2));
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not FencedException)
            {
                if (segment.Handled.Count == 1)
                {
                    // One handled event: it is the offending one.
                    var offending = ex is ProjectionEventException { OffendingEvent: { } named } ? named.Record : segment.Handled[0].Record;
                    if (_policy == FailurePolicy.Park)
                    {
                        return await ParkWithRetryAsync(segment, offending, ex, cancellationToken);
                    }

                    await FaultAsync(ex, offending, cancellationToken);
                    return false;
                }

                if (segment.Handled.Count == 0)
                {
                    await FaultAsync(ex, segment.Last!, cancellationToken);
                    return false;
                }

                // Which event? Replay the batch one handled event per transaction: the good ones commit, the bad one faults.
                logger.LogWarning(ex, "Projection {Name} g{Generation}: a batch of {Count} failed; isolating the offending event.", projection.Name, generation.Generation, segment.Handled.Count);
                foreach (var single in segment.SplitPerHandledEvent())
                {
                    if (!await ApplyWithRetryAsync(single, cancellationToken))
                    {
                        return false;
                    }
                }

                return true;
            }
        }
    }

    private async Task ApplyAsync(Segment segment, CancellationToken cancellationToken)
    {
        var last = segment.Last!;
        await using var connection = await catalog.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var started = Timings.Now;
        var rate = _rate.Peek(segment.Counts.Seen);
        if (!CaughtUp)
        {
            // Catching up, the commit need not wait for its WAL flush: rows and checkpoint still commit together, and a
            // PostgreSQL crash that loses the last few such commits loses both, so those events are applied again
            // from the log. Anything that acts on these rows and commits durably flushes them first (WAL is ordered).
            await using var relaxed = new Npgsql.NpgsqlCommand("SET LOCAL synchronous_commit = off", connection, transaction);
            await relaxed.ExecuteNonQueryAsync(cancellationToken);
        }

        // First the checkpoint: the row lock fences off any other instance before a single read-model row is written.
        var moved = await catalog.AdvanceCheckpointAsync(connection, transaction, generation, _checkpoint, last, segment.Counts, rate, cancellationToken);
        if (moved == 0)
        {
            await AcknowledgeOrFenceAsync(transaction, segment, cancellationToken);
            return;
        }

        var applying = Timings.Now;
        reader.Timings.Projection(_name, Timings.Step.Checkpoint, applying - started);
        if (segment.Handled.Count > 0)
        {
            await projection.ApplyAsync(segment.Handled, new ProjectionContext(connection, transaction, generation.Schema), cancellationToken);
        }

        var committing = Timings.Now;
        reader.Timings.Projection(_name, Timings.Step.Apply, committing - applying);
        await transaction.CommitAsync(cancellationToken);
        reader.Timings.Projection(_name, Timings.Step.Commit, Timings.Now - committing);
        reader.Timings.Projection(_name, Timings.Step.Events, segment.Counts.Seen);
        Committed(segment);
    }

    /// <summary>The checkpoint did not move: an earlier attempt committed but its acknowledgement was lost, or another instance owns it.</summary>
    private async Task AcknowledgeOrFenceAsync(Npgsql.NpgsqlTransaction transaction, Segment segment, CancellationToken cancellationToken)
    {
        await transaction.RollbackAsync(cancellationToken);
        var stored = await catalog.ReadCheckpointAsync(generation, cancellationToken);
        if (stored == segment.Last!.Position)
        {
            Committed(segment);
            return;
        }

        throw new FencedException($"Projection {projection.Name} g{generation.Generation}: checkpoint is {stored?.ToString() ?? "none"}, expected {_checkpoint?.ToString() ?? "none"}; another instance owns it or the build was switched.");
    }

    /// <summary>
    /// Steps over <paramref name="offending"/> (the last handled event of <paramref name="segment"/>, or an undecodable one):
    /// the checkpoint moves past the segment and the event goes to <c>parked_events</c> in one transaction, so it is
    /// parked exactly once. False if even that failed (the generation is then faulted on the event).
    /// </summary>
    private async Task<bool> ParkWithRetryAsync(Segment segment, RecordedEvent offending, Exception error, CancellationToken cancellationToken)
    {
        Log.Parked(logger, error, _name, _number, offending.Type, offending.Position, offending.StreamId);
        var delay = options.FirstRetryDelay;
        while (true)
        {
            try
            {
                await using var connection = await catalog.DataSource.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                var last = segment.Last!;
                var moved = await catalog.AdvanceCheckpointAsync(connection, transaction, generation, _checkpoint, last, segment.ParkedCounts, _rate.Peek(segment.Counts.Seen), cancellationToken);
                if (moved == 0)
                {
                    await AcknowledgeOrFenceAsync(transaction, segment, cancellationToken);
                    return true;
                }

                await catalog.ParkAsync(connection, transaction, generation, offending, error, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                Committed(segment);
                return true;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not FencedException && TransientErrors.IsTransient(ex))
            {
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(options.MaxRetryDelay.Ticks, delay.Ticks * 2));
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not FencedException)
            {
                await FaultAsync(ex, offending, cancellationToken);
                return false;
            }
        }
    }

    private async Task FaultAsync(Exception error, RecordedEvent offending, CancellationToken cancellationToken)
    {
        logger.LogError(error, "Projection {Name} g{Generation} faulted on event {Type} at {Position} in {Stream}.", projection.Name, generation.Generation, offending.Type, offending.Position, offending.StreamId);
        var delay = options.FirstRetryDelay;
        while (true)
        {
            try
            {
                await catalog.RecordErrorAsync(generation, error, offending, transient: false, cancellationToken);
                return;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && TransientErrors.IsTransient(ex))
            {
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(options.MaxRetryDelay.Ticks, delay.Ticks * 2));
            }
        }
    }

    private void Committed(Segment segment)
    {
        _checkpoint = segment.Last!.Position;
        _rate.Add(segment.Counts.Seen);
        _lastWrite = Timings.Now;
    }

    private async Task TryRecordAsync(Exception error, RecordedEvent? offending, bool transient, CancellationToken cancellationToken)
    {
        try
        {
            await catalog.RecordErrorAsync(generation, error, offending, transient, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.RegistryWriteFailed(logger, ex, _name);
        }
    }

    /// <summary>
    /// Consecutive events applied in one transaction, with what was skipped among them; it may start with skipped events
    /// carried over from earlier batches (counted, not kept).
    /// </summary>
    private sealed class Segment(BatchCounts carried = default, RecordedEvent? carriedLast = null)
    {
        private readonly List<(RecordedEvent Record, DecodedEvent? Decoded, bool Unknown)> _entries = [];
        private readonly BatchCounts _carried = carried;
        private readonly RecordedEvent? _carriedLast = carriedLast;
        private long _skipped;
        private long _unknown;

        /// <summary>The last event of the segment (where the checkpoint moves to); null if it is empty.</summary>
        public RecordedEvent? Last => _entries.Count > 0 ? _entries[^1].Record : _carriedLast;

        public List<DecodedEvent> Handled { get; } = [];

        public BatchCounts Counts => new(_carried.Seen + _entries.Count, _carried.Handled + Handled.Count, _carried.Skipped + _skipped, _carried.Unknown + _unknown);

        /// <summary>The counts when the handled events were parked instead of applied.</summary>
        public BatchCounts ParkedCounts => Counts with { Handled = _carried.Handled, Skipped = _carried.Skipped + _skipped + Handled.Count };

        /// <summary>
        /// Room for <paramref name="count"/> more events at once. Grown by doubling instead, the list of a catch-up batch
        /// ended as 4,096 entries of 24 bytes, on the large-object heap, for every worker and batch: 83 MB of it in 10 s of a
        /// rebuild, and all of that process's large-object allocations.
        /// </summary>
        public void Reserve(int count) => _entries.EnsureCapacity(_entries.Count + count);

        public void Add(RecordedEvent record, DecodedEvent? handled, bool unknown)
        {
            _entries.Add((record, handled, unknown));
            if (handled is not null)
            {
                Handled.Add(handled);
            }
            else if (unknown)
            {
                _unknown++;
            }
            else
            {
                _skipped++;
            }
        }

        /// <summary>A segment of no handled events reduced to its counts and last event, so that deferring it holds no payloads.</summary>
        public Segment Skipped() => new(Counts, Last);


        /// <summary>Sub-segments each ending with one handled event (trailing skipped events form the last one); the first carries what this one carried.</summary>
        public IEnumerable<Segment> SplitPerHandledEvent()
        {
            var current = new Segment(_carried, _carriedLast);
            foreach (var (record, decoded, unknown) in _entries)
            {
                current.Add(record, decoded, unknown);
                if (decoded is not null)
                {
                    yield return current;
                    current = new Segment();
                }
            }

            if (current.Last is not null)
            {
                yield return current;
            }
        }
    }
}

/// <summary>Another instance moved the checkpoint, or the build was switched away from: stop writing.</summary>
internal sealed class FencedException(string message) : Exception(message);

/// <summary>Events per second over the last few seconds.</summary>
internal sealed class RateMeter
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(5);
    private readonly Queue<(long At, long Count)> _samples = new();

    public void Add(long count) => _samples.Enqueue((Stopwatch.GetTimestamp(), count));

    /// <summary>The rate including a batch of <paramref name="pending"/> events about to be written now.</summary>
    public double Peek(long pending)
    {
        var now = Stopwatch.GetTimestamp();
        while (_samples.Count > 0 && Stopwatch.GetElapsedTime(_samples.Peek().At, now) > Window)
        {
            _samples.Dequeue();
        }

        if (_samples.Count == 0)
        {
            return 0;
        }

        var span = Stopwatch.GetElapsedTime(_samples.Peek().At, now).TotalSeconds;
        var total = _samples.Sum(s => s.Count) - _samples.Peek().Count + pending;
        return span <= 0.001 ? 0 : total / span;
    }
}
