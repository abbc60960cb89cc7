namespace OrderLedger.Domain;

/// <summary>
/// Every command says when it happened in business time. The command handler writes this time into the
/// metadata of the events the command records (brief §2: occurredAt comes from the command).
/// </summary>
public interface IDomainCommand
{
    DateTimeOffset OccurredAt { get; }
}
