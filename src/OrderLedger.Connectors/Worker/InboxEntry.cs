namespace OrderLedger.Connectors.Worker;

/// <summary>One inbox entry as the worker reads it from the queue.</summary>
public sealed record InboxEntry(long Seq, Guid EventId, string InboxId, string Channel, string StoreId, string Body, DateTimeOffset ReceivedAt);

/// <summary>Turns a connector's inbox entries into commands; returns what it did, for <c>connectors.handled</c>.</summary>
public interface IInboxHandler
{
    string Channel { get; }

    /// <summary>Throws <see cref="TransientConnectorException"/> (or any exception) to be tried again on a later pass.</summary>
    Task<string> HandleAsync(InboxEntry entry, CancellationToken cancellationToken);
}

/// <summary>The platform or the store could not be reached, or a stream kept changing: try the entry again later.</summary>
public sealed class TransientConnectorException(string message, Exception? inner = null) : Exception(message, inner);
