using System.Collections.Immutable;
using OrderLedger.Domain;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Application.CommandHandling;

/// <summary>
/// Runs a decider at the edge: load the stream, fold, decide, append with the exact expected revision, chaining
/// each new event's hash to the stream's last one. On a concurrency conflict it reloads and decides again (bounded,
/// with jittered back-off), then reports <c>concurrency.conflict</c>. A commandId already present in the stream
/// returns the events it produced the first time and appends nothing; event ids derived from the commandId make a
/// retried append that raced its own first attempt idempotent in the store as well; a commandId found with another
/// command or payload (<see cref="CommandFingerprints"/>) is refused as <c>command.id-reused</c>. The events' metadata
/// take the business time from the command (<see cref="IDomainCommand.OccurredAt"/>) and the store id from the
/// aggregate; a business time beyond the clock, or before the last event of a stream that keeps time order, is
/// refused (<see cref="BusinessTime"/>).
/// </summary>
public sealed class CommandHandler(IEventStore store, EventCodec codec, CommandHandlerOptions? options = null, TimeProvider? clock = null)
{
    public const string ConflictRule = "concurrency.conflict";

    public const string CommandIdReusedRule = "command.id-reused";

    /// <summary>How many of a stream's newest events a conflicting raw append searches for its own earlier write.</summary>
    private const int RawAppendLookBack = 1000;

    public CommandHandlerOptions Options { get; } = options ?? new CommandHandlerOptions();

    private readonly StreamStateCache _cache = new((options ?? new CommandHandlerOptions()).StateCacheStreams);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public IEventStore Store => store;

    public EventCodec Codec => codec;

    public async Task<StreamResult<TState>> HandleAsync<TCommand, TEvent, TState>(
        Decider<TCommand, TEvent, TState> decider,
        string streamId,
        TCommand command,
        CommandContext context,
        CancellationToken cancellationToken = default)
        where TEvent : class
    {
        context = WithBusinessTime(command, context).WithFingerprintOf(command!);
        for (var attempt = 1; ; attempt++)
        {
            var (loaded, decided) = await DecideAsync(decider, streamId, command, context, cancellationToken);
            if (decided is null)
            {
                // The commandId's events are there: its first outcome, or a reuse by another command.
                return loaded.Error is null
                    ? new StreamResult<TState>(streamId, loaded.State, loaded.EventsOfCommand, loaded.Revision, true, null)
                    : new StreamResult<TState>(streamId, loaded.State, [], loaded.Revision, false, loaded.Error);
            }

            if (decided is not { IsAccepted: true, Events.Count: > 0 })
            {
                return new StreamResult<TState>(streamId, loaded.State, [], loaded.Revision, false, decided.Error);
            }

            var events = decided.Events.Cast<object>().ToList();
            var state = decided.Events.Aggregate(loaded.State, decider.Evolve);
            var data = codec.Encode(events, ScopedTo(context, state), new ChainTip(streamId, loaded.Revision, loaded.LastHash));
            try
            {
                var appended = await store.AppendAsync(streamId, ExpectedRevision.After(loaded.Revision), data, cancellationToken);
                return new StreamResult<TState>(streamId, state, events, appended.NextExpectedRevision, false, null);
            }
            catch (WrongExpectedRevisionException) when (attempt < Options.MaxAttempts)
            {
                await Task.Delay(Backoff(attempt), cancellationToken);
            }
            catch (DuplicateEventIdException ex)
            {
                // Event ids derive from the commandId: the same commandId was already used for another stream.
                return new StreamResult<TState>(streamId, loaded.State, [], loaded.Revision, false, UsedOnAnotherStream(context, ex.StreamId));
            }
            catch (WrongExpectedRevisionException ex)
            {
                return new StreamResult<TState>(streamId, loaded.State, [], ex.ActualRevision, false, KeptChanging(streamId, attempt));
            }
        }
    }

    /// <summary>
    /// The error <see cref="HandleAsync"/> would answer for this command now, without appending anything (null: it
    /// would be accepted, or it was handled before). Commands that write to several streams check the later steps
    /// with it before the first append, so that a refusal leaves every stream as it was.
    /// </summary>
    public async Task<DomainError?> CheckAsync<TCommand, TEvent, TState>(
        Decider<TCommand, TEvent, TState> decider,
        string streamId,
        TCommand command,
        CommandContext context,
        CancellationToken cancellationToken = default)
        where TEvent : class
    {
        var (loaded, decided) = await DecideAsync(decider, streamId, command, WithBusinessTime(command, context).WithFingerprintOf(command!), cancellationToken);
        return loaded.Error ?? decided?.Error;
    }

    /// <summary>
    /// <c>command.id-reused</c> when the first event id of this command (in <paramref name="storeId"/>'s scope, as
    /// <see cref="HandleAsync"/> would derive it) is already stored on a stream other than <paramref name="streamId"/>.
    /// A command that writes several streams asks before its first append, so that a reused id appends nothing anywhere.
    /// Stores without an index by event id (<see cref="IEventStore.FindsEventsById"/>) never find one.
    /// </summary>
    public async Task<DomainError?> CheckIdUnusedElsewhereAsync(string streamId, CommandContext context, string? storeId, CancellationToken cancellationToken = default)
    {
        var scoped = context.StoreId is null && storeId is { Length: > 0 } ? context with { StoreId = storeId } : context;
        var found = await store.FindEventAsync(EventIds.Of(scoped, 0), cancellationToken);
        return found is not null && found.StreamId != streamId ? UsedOnAnotherStream(context, found.StreamId) : null;
    }

    /// <summary>
    /// Appends events given as raw JSON (<c>POST /api/streams/{id}</c>) on the same path as a command's: chained to the
    /// stream's last hash, so pinned to the revision read; "any" and "exists" read again and retry on a conflict (up to
    /// <see cref="CommandHandlerOptions.MaxAttempts"/>, with the same back-off). A retry of the same commandId finds its
    /// events and returns where they were written. Throws the store's errors for the caller to answer.
    /// </summary>
    public async Task<AppendResult> AppendRawAsync(
        string streamId, ExpectedRevision expected, IReadOnlyList<(string Type, byte[] Data)> payloads, CommandContext context, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var last = await store.ReadStreamAsync(streamId, StreamReadOptions.Last(1), cancellationToken).FirstOrDefaultAsync(cancellationToken);
            var pinned = expected.Kind is ExpectedRevisionKind.Any || (expected.Kind is ExpectedRevisionKind.StreamExists && last is not null)
                ? ExpectedRevision.After(last?.Revision)
                : expected;
            try
            {
                return await store.AppendAsync(streamId, pinned, EventCodec.EncodeRaw(payloads, context, ChainTip.After(streamId, last)), cancellationToken);
            }
            catch (WrongExpectedRevisionException)
            {
                if (await FindRawAppendAsync(streamId, payloads.Count, context, cancellationToken) is { } original)
                {
                    return original;
                }

                if (pinned == expected || attempt >= Options.MaxAttempts)
                {
                    throw;
                }

                await Task.Delay(Backoff(attempt), cancellationToken);
            }
        }
    }

    /// <summary>Where a raw append of this commandId already wrote its events (its last one), among the stream's newest events.</summary>
    private async Task<AppendResult?> FindRawAppendAsync(string streamId, int count, CommandContext context, CancellationToken cancellationToken)
    {
        var firstId = EventIds.Of(context, 0);
        var recent = await store.ReadStreamAsync(streamId, StreamReadOptions.Last(RawAppendLookBack), cancellationToken).ToListAsync(cancellationToken);
        var index = recent.FindIndex(e => e.EventId == firstId);
        if (index < count - 1)
        {
            return null;
        }

        // Read backwards: the last event of the earlier append sits count - 1 places before its first.
        var original = recent[index - (count - 1)];
        return new AppendResult(original.Revision, original.Position);
    }

    /// <summary>
    /// Loads the stream and decides. <see cref="LoadedStream{TState}.Error"/> is set when nothing is to be decided (the
    /// commandId's events are there but came from another command); the decision is null for a genuine repeat (the
    /// loaded events of the command are the outcome); a decision with events is refused here when it misdates them.
    /// </summary>
    private async Task<(LoadedStream<TState> Loaded, Decision<TEvent>? Decided)> DecideAsync<TCommand, TEvent, TState>(
        Decider<TCommand, TEvent, TState> decider, string streamId, TCommand command, CommandContext context, CancellationToken cancellationToken)
        where TEvent : class
    {
        var loaded = await LoadAsync(decider, streamId, context.CommandId, cancellationToken);
        if (loaded.EventsOfCommand.Count > 0)
        {
            return (loaded with { Error = CommandFingerprints.Reused(context, loaded.OriginalCommand) }, null);
        }

        var decision = decider.Decide(command, loaded.State);
        // Only a command that would record something can misdate it; a refusal by the rules says more than its time.
        return decision is { IsAccepted: true, Events.Count: > 0 } && RefusedTime(decider, loaded, context.OccurredAt) is { } badTime
            ? (loaded, Decision<TEvent>.Reject(badTime))
            : (loaded, decision);
    }

    private static CommandContext ScopedTo<TState>(CommandContext context, TState state) =>
        context.StoreId is null && state is IStoreScoped { StoreId.Length: > 0 } owner ? context with { StoreId = owner.StoreId } : context;

    private static DomainError UsedOnAnotherStream(CommandContext context, string streamId) => DomainError.Invalid(
        CommandIdReusedRule, $"Command id {context.CommandId} was already used for another command (stream {streamId}); every command needs its own id.");

    private static DomainError KeptChanging(string streamId, int attempts) => DomainError.Conflict(
        ConflictRule, $"Stream {streamId} kept changing while the command was decided ({attempts} attempts); try again.");

    private static CommandContext WithBusinessTime<TCommand>(TCommand command, CommandContext context) =>
        command is IDomainCommand { OccurredAt: var occurredAt } ? context with { OccurredAt = occurredAt } : context;

    /// <summary>The <see cref="BusinessTime"/> error for a command dated <paramref name="occurredAt"/> on a loaded stream, or null.</summary>
    public DomainError? RefusedTime<TCommand, TEvent, TState>(Decider<TCommand, TEvent, TState> decider, LoadedStream<TState> loaded, DateTimeOffset occurredAt)
        where TEvent : class =>
        BusinessTime.Check(occurredAt, _clock.GetUtcNow(), Options.MaxFutureSkew, decider.KeepsTimeOrder ? loaded.LastOccurredAt : null);

    /// <summary>
    /// Folds a stream into its state; also returns its last revision and hash, and the events of <paramref name="commandId"/> if any.
    /// Starts from the cached fold of the stream when there is one and reads only the events after it.
    /// </summary>
    public async Task<LoadedStream<TState>> LoadAsync<TCommand, TEvent, TState>(
        Decider<TCommand, TEvent, TState> decider,
        string streamId,
        string? commandId = null,
        CancellationToken cancellationToken = default)
        where TEvent : class
    {
        var cached = _cache.Get(streamId, decider);
        if (cached is not null && commandId is not null && cached.CommandIds.Contains(commandId))
        {
            // A repeated command: its first outcome lies before the cached fold, so read the stream from its start.
            cached = null;
        }

        var state = cached is null ? decider.Initial : (TState)cached.State;
        var revision = cached?.Revision;
        var lastHash = cached?.LastHash;
        var lastOccurredAt = cached?.LastOccurredAt;
        var commandIds = cached?.CommandIds ?? ImmutableHashSet<string>.Empty.WithComparer(StringComparer.Ordinal);
        var ofCommand = new List<object>();
        RecordedCommand? original = null;
        var read = new StreamReadOptions(FromRevision: revision + 1);
        await foreach (var record in store.ReadStreamAsync(streamId, read, cancellationToken))
        {
            var decoded = codec.Decode(record);
            if (decoded.Event is not TEvent domainEvent)
            {
                throw new InvalidOperationException(
                    $"Stream {streamId} holds event {record.Revision} of type '{record.Type}', which this build cannot fold into {typeof(TState).Name}.");
            }

            state = decider.Evolve(state, domainEvent);
            revision = record.Revision;
            lastHash = decoded.Metadata?.Hash;
            lastOccurredAt = decoded.Metadata?.OccurredAt ?? lastOccurredAt;
            if (decoded.Metadata?.CommandId is { } eventCommandId)
            {
                if (_cache.Enabled)
                {
                    commandIds = commandIds.Add(eventCommandId);
                }

                if (eventCommandId == commandId)
                {
                    ofCommand.Add(domainEvent);
                    original ??= new RecordedCommand(decoded.Metadata.CommandType, decoded.Metadata.CommandHash, record.Created);
                }
            }
        }

        if (revision is { } last && state is not null && last != cached?.Revision)
        {
            _cache.Put(streamId, decider, new StreamStateCache.Entry(state, last, lastHash, lastOccurredAt, commandIds));
        }

        return new LoadedStream<TState>(state, revision, lastHash, ofCommand, lastOccurredAt, original);
    }

    private TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(Options.MaxRetryBackoff.TotalMilliseconds, Options.RetryBackoff.TotalMilliseconds * Math.Pow(2, attempt - 1));
        // Jitter spreads writers that collided so they do not collide again in lock-step (randomness at the edge only).
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }
}

/// <param name="LastOccurredAt">The business time of the stream's last event (null: no events).</param>
/// <param name="OriginalCommand">The command recorded on the first of <paramref name="EventsOfCommand"/>, if any.</param>
/// <param name="Error">Set by the handler when the events of the commandId came from another command (<c>command.id-reused</c>).</param>
public sealed record LoadedStream<TState>(
    TState State, ulong? Revision, string? LastHash, IReadOnlyList<object> EventsOfCommand, DateTimeOffset? LastOccurredAt = null, RecordedCommand? OriginalCommand = null)
{
    public DomainError? Error { get; init; }
}
