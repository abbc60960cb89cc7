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
        context = WithBusinessTime(command, context);
        context = context.WithFingerprintOf(command!);
        for (var attempt = 1; ; attempt++)
        {
            var loaded = await LoadAsync(decider, streamId, context.CommandId, cancellationToken);
            if (loaded.EventsOfCommand.Count > 0)
            {
                return CommandFingerprints.Reused(context, loaded.OriginalCommand) is { } reused
                    ? new StreamResult<TState>(streamId, loaded.State, [], loaded.Revision, false, reused)
                    : new StreamResult<TState>(streamId, loaded.State, loaded.EventsOfCommand, loaded.Revision, true, null);
            }

            var decision = decider.Decide(command, loaded.State);
            if (!decision.IsAccepted)
            {
                return new StreamResult<TState>(streamId, loaded.State, [], loaded.Revision, false, decision.Error);
            }

            if (decision.Events.Count == 0)
            {
                return new StreamResult<TState>(streamId, loaded.State, [], loaded.Revision, false, null);
            }

            // Only a command that would record something can misdate it; a refusal by the rules says more than its time.
            if (RefusedTime(decider, loaded, context.OccurredAt) is { } badTime)
            {
                return new StreamResult<TState>(streamId, loaded.State, [], loaded.Revision, false, badTime);
            }

            var events = decision.Events.Cast<object>().ToList();
            var state = decision.Events.Aggregate(loaded.State, decider.Evolve);
            var scoped = context.StoreId is null && state is IStoreScoped { StoreId.Length: > 0 } owner ? context with { StoreId = owner.StoreId } : context;
            var data = codec.Encode(events, scoped, new ChainTip(streamId, loaded.Revision, loaded.LastHash));
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
                return new StreamResult<TState>(streamId, loaded.State, [], loaded.Revision, false, DomainError.Invalid(
                    CommandIdReusedRule, $"Command id {context.CommandId} was already used for another command (stream {ex.StreamId}); every command needs its own id."));
            }
            catch (WrongExpectedRevisionException ex)
            {
                return new StreamResult<TState>(streamId, loaded.State, [], ex.ActualRevision, false, DomainError.Conflict(
                    ConflictRule, $"Stream {streamId} kept changing while the command was decided ({attempt} attempts); try again."));
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
        context = WithBusinessTime(command, context);
        var loaded = await LoadAsync(decider, streamId, context.CommandId, cancellationToken);
        if (loaded.EventsOfCommand.Count > 0)
        {
            return null;
        }

        var decision = decider.Decide(command, loaded.State);
        return decision.Error ?? (decision.Events.Count > 0 ? RefusedTime(decider, loaded, context.OccurredAt) : null);
    }

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
public sealed record LoadedStream<TState>(TState State, ulong? Revision, string? LastHash, IReadOnlyList<object> EventsOfCommand, DateTimeOffset? LastOccurredAt = null, RecordedCommand? OriginalCommand = null);
