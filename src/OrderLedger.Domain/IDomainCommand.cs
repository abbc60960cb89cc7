namespace OrderLedger.Domain;

/// <summary>
/// Every command says when it happened in business time. The command handler writes this time into the
/// metadata of the events the command records (brief §2: occurredAt comes from the command).
/// </summary>
public interface IDomainCommand
{
    DateTimeOffset OccurredAt { get; }
}

/// <summary>
/// A command field the handler fills in from the log or a read model rather than the caller (an order's payment time,
/// a store's return addresses…). It is no part of what the caller asked for, so it does not count when a repeated
/// commandId is compared with the original command.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class LookedUpAttribute : Attribute;
