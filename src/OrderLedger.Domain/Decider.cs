namespace OrderLedger.Domain;

/// <summary>
/// A pure decider (Oskar Dudycz): <c>decide(command, state) → events | domain error</c>,
/// <c>evolve(state, event) → state</c> and the state of a stream that has no events yet.
/// No I/O, no clock, no randomness: every time and every outside fact arrives inside the command.
/// <paramref name="KeepsTimeOrder"/>: the stream is one aggregate's timeline, so its facts are dated in order
/// (<see cref="BusinessTime"/>); false for streams that many processes share out of business-time order (a SKU's
/// stock in a warehouse, a store's policies, which apply by their own business time whenever they were appended).
/// </summary>
public sealed record Decider<TCommand, TEvent, TState>(
    Func<TCommand, TState, Decision<TEvent>> Decide,
    Func<TState, TEvent, TState> Evolve,
    TState Initial,
    bool KeepsTimeOrder = true)
    where TEvent : class
{
    public TState Fold(IEnumerable<TEvent> events) => events.Aggregate(Initial, Evolve);
}

// Decision<T>.Nothing / Accept / Reject read better at the call site than a separate non-generic factory.
#pragma warning disable CA1000

/// <summary>The outcome of <c>decide</c>: the events to append (possibly none, for a repeated command) or a domain error.</summary>
public sealed class Decision<TEvent>
    where TEvent : class
{
    private Decision(IReadOnlyList<TEvent> events, DomainError? error)
    {
        Events = events;
        Error = error;
    }

    public IReadOnlyList<TEvent> Events { get; }

    public DomainError? Error { get; }

    public bool IsAccepted => Error is null;

    /// <summary>The command changes nothing (typically because it was already carried out).</summary>
    public static Decision<TEvent> Nothing { get; } = new([], null);

    public static Decision<TEvent> Accept(params TEvent[] events) => new(events, null);

    public static Decision<TEvent> Reject(DomainError error) => new([], error);

    public static implicit operator Decision<TEvent>(TEvent domainEvent) => Accept(domainEvent);

    public static implicit operator Decision<TEvent>(TEvent[] events) => Accept(events);

    public static implicit operator Decision<TEvent>(DomainError error) => Reject(error);

    public override string ToString() => Error is { } e ? $"rejected: {e}" : $"accepted: [{string.Join(", ", Events.Select(x => x.GetType().Name))}]";
}

#pragma warning restore CA1000

/// <summary>
/// A broken business rule. <see cref="Rule"/> is stable (part of the API contract, e.g. <c>payment.amount-mismatch</c>);
/// <see cref="Message"/> is for people. <see cref="Lines"/> lists the order lines at fault, when the rule is about lines.
/// </summary>
public sealed record DomainError(string Rule, string Message, IReadOnlyList<LineFault>? Lines = null)
{
    /// <summary>The request field at fault, when the rule is about one field (e.g. <c>occurredAt</c>).</summary>
    public string? Field { get; init; }

    /// <summary>How the HTTP layer should answer: a conflict with the current state (409) or an invalid request (422).</summary>
    public DomainErrorKind Kind { get; init; } = DomainErrorKind.Conflict;

    public static DomainError Conflict(string rule, string message) => new(rule, message);

    public static DomainError Invalid(string rule, string message) => new(rule, message) { Kind = DomainErrorKind.Invalid };

    public override string ToString() =>
        Lines is { Count: > 0 } lines ? $"{Rule}: {Message} [{string.Join("; ", lines)}]" : $"{Rule}: {Message}";
}

public enum DomainErrorKind
{
    /// <summary>The request is well-formed but the current state forbids it (HTTP 409).</summary>
    Conflict,

    /// <summary>The request itself breaks a rule, whatever the state (HTTP 422).</summary>
    Invalid,
}

/// <summary>A line that could not be accepted: the SKU, the quantity asked for, the quantity that was possible, and why.</summary>
public sealed record LineFault(string Sku, int Requested, int Available, string Reason)
{
    public override string ToString() => $"{Sku}: requested {Requested}, available {Available} ({Reason})";
}
