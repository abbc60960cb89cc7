using System.Globalization;
using System.Net;
using Grpc.Core;

namespace OrderLedger.EventStore.EventStoreDb;

/// <summary>The server answered in a way the adapter does not expect, or rejected the request as malformed.</summary>
public sealed class EventStoreDbProtocolException : EventStoreException
{
    public EventStoreDbProtocolException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}

/// <summary>How the adapter treats a failed call.</summary>
public enum ErrorKind
{
    /// <summary>Not the adapter's to handle: the caller cancelled.</summary>
    Cancelled,

    /// <summary>Worth another try, after a pause (node down or not ready, connection lost, timeout).</summary>
    Transient,

    /// <summary>This node is not the leader; retry on the leader named in the trailers, if any.</summary>
    NotLeader,
    WrongExpectedVersion,
    StreamDeleted,
    StreamNotFound,
    AccessDenied,

    /// <summary>The request itself is wrong (too big, missing metadata): retrying cannot help.</summary>
    Rejected,
}

/// <summary>
/// Reads the server's error trailers ("exception" and its companions) and the gRPC status, and turns them into
/// the port's exceptions. Pure, like <see cref="ProtocolMapping"/>.
/// </summary>
public static class ErrorMapping
{
    public const string ExceptionKey = "exception";
    public const string WrongExpectedVersion = "wrong-expected-version";
    public const string StreamDeleted = "stream-deleted";
    public const string StreamNotFound = "stream-not-found";
    public const string AccessDenied = "access-denied";
    public const string NotLeader = "not-leader";
    public const string MaximumAppendSizeExceeded = "maximum-append-size-exceeded";
    public const string MaximumAppendEventSizeExceeded = "maximum-append-event-size-exceeded";
    public const string MissingRequiredMetadataProperty = "missing-required-metadata-property";
    public const string InvalidTransaction = "invalid-transaction";
    public const string StreamNameKey = "stream-name";
    public const string ActualVersionKey = "actual-version";
    public const string LeaderEndpointHostKey = "leader-endpoint-host";
    public const string LeaderEndpointPortKey = "leader-endpoint-port";

    public static ErrorKind Classify(RpcException exception)
    {
        switch (Trailer(exception, ExceptionKey))
        {
            case WrongExpectedVersion:
                return ErrorKind.WrongExpectedVersion;
            case StreamDeleted:
                return ErrorKind.StreamDeleted;
            case StreamNotFound:
                return ErrorKind.StreamNotFound;
            case AccessDenied:
                return ErrorKind.AccessDenied;
            case NotLeader:
                return ErrorKind.NotLeader;
            case MaximumAppendSizeExceeded or MaximumAppendEventSizeExceeded or MissingRequiredMetadataProperty or InvalidTransaction:
                return ErrorKind.Rejected;
        }

        return exception.StatusCode switch
        {
            StatusCode.Cancelled => ErrorKind.Cancelled,
            StatusCode.PermissionDenied or StatusCode.Unauthenticated => ErrorKind.AccessDenied,
            // "No leader info available in response": an election is under way.
            StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Aborted or StatusCode.Unknown
                or StatusCode.Internal or StatusCode.ResourceExhausted => ErrorKind.Transient,
            _ => ErrorKind.Rejected,
        };
    }

    /// <summary>The leader named by a "not leader" answer, if the server gave one.</summary>
    public static DnsEndPoint? LeaderEndpoint(RpcException exception)
    {
        var host = Trailer(exception, LeaderEndpointHostKey);
        var port = Trailer(exception, LeaderEndpointPortKey);
        return !string.IsNullOrEmpty(host)
            && int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && number is > 0 and <= 65535
                ? new DnsEndPoint(host, number)
                : null;
    }

    /// <summary>The actual revision in a wrong-expected-version trailer: a number, or empty / -1 for no stream.</summary>
    public static ulong? ActualRevision(RpcException exception) =>
        ulong.TryParse(Trailer(exception, ActualVersionKey), NumberStyles.None, CultureInfo.InvariantCulture, out var revision)
            ? revision
            : null;

    /// <summary>
    /// The port's exception for a final (non-retried) failure. <paramref name="streamId"/> and
    /// <paramref name="expected"/> describe the operation, for the errors that name them.
    /// </summary>
    public static Exception ToPortException(RpcException exception, string? streamId = null, ExpectedRevision? expected = null)
    {
        var stream = streamId ?? Trailer(exception, StreamNameKey) ?? "$all";
        return Classify(exception) switch
        {
            ErrorKind.Cancelled => new OperationCanceledException("The call was cancelled.", exception),
            ErrorKind.WrongExpectedVersion => new WrongExpectedRevisionException(
                stream, expected ?? ExpectedRevision.Any, ActualRevision(exception), exception),
            ErrorKind.StreamDeleted => new StreamDeletedException(Trailer(exception, StreamNameKey) ?? stream, exception),
            ErrorKind.AccessDenied => new AccessDeniedException($"EventStoreDB denied access: {exception.Status.Detail}", exception),
            ErrorKind.Transient or ErrorKind.NotLeader => new EventStoreUnavailableException(
                $"EventStoreDB is unavailable: {exception.StatusCode} {exception.Status.Detail}", exception),
            ErrorKind.StreamNotFound => new EventStoreDbProtocolException($"Stream '{stream}' was not found.", exception),
            _ => new EventStoreDbProtocolException($"EventStoreDB rejected the request: {exception.StatusCode} {exception.Status.Detail}", exception),
        };
    }

    private static string? Trailer(RpcException exception, string key) => exception.Trailers.GetValue(key);
}
