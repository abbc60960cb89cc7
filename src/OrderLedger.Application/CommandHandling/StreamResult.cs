using OrderLedger.Domain;

namespace OrderLedger.Application.CommandHandling;

/// <summary>What one command did to one stream.</summary>
/// <param name="Events">The events the command appended, or, for a repeated commandId, the events it appended the first time.</param>
/// <param name="Revision">The stream's last revision after the command (null: the stream does not exist).</param>
/// <param name="AlreadyProcessed">The commandId had been handled before: nothing was appended this time.</param>
/// <param name="Error">The broken rule, when the command was rejected (nothing appended).</param>
public sealed record StreamResult<TState>(
    string StreamId,
    TState State,
    IReadOnlyList<object> Events,
    ulong? Revision,
    bool AlreadyProcessed,
    DomainError? Error)
{
    public bool IsSuccess => Error is null;

    public StreamChange Change => new(StreamId, Events, Revision, AlreadyProcessed);
}

public sealed record StreamChange(string StreamId, IReadOnlyList<object> Events, ulong? Revision, bool AlreadyProcessed);

/// <summary>
/// The outcome of a command at the edge: the changes made to each stream it touched (in order), or the rule it broke.
/// A rejected command may still list changes when it had to compensate (e.g. an order rejected for lack of stock
/// records the rejection and releases the reservations it made).
/// </summary>
public sealed record CommandOutcome(IReadOnlyList<StreamChange> Changes, DomainError? Error)
{
    public bool IsSuccess => Error is null;

    public IEnumerable<object> Events => Changes.SelectMany(c => c.Events);

    /// <summary>True when every stream reports the command as handled before (a retry that appended nothing).</summary>
    public bool AlreadyProcessed => Changes.Count > 0 && Changes.All(c => c.AlreadyProcessed);

    public static CommandOutcome From<TState>(StreamResult<TState> result) => new([result.Change], result.Error);
}
