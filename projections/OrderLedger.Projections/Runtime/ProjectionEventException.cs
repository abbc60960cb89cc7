using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Projections.Runtime;

/// <summary>
/// Optional: a handler may throw this to name the event it could not apply. Otherwise the runtime finds the
/// offending event itself by replaying the failed batch one event per transaction.
/// </summary>
public sealed class ProjectionEventException : Exception
{
    public ProjectionEventException(DecodedEvent offendingEvent, string message, Exception? innerException = null)
        : base(message, innerException) => OffendingEvent = offendingEvent;

    public ProjectionEventException()
    {
    }

    public ProjectionEventException(string message)
        : base(message)
    {
    }

    public ProjectionEventException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DecodedEvent? OffendingEvent { get; }
}
