using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using Google.Protobuf;
using OrderLedger.EventStore.EventStoreDb.Protocol;
using OrderLedger.EventStore.EventStoreDb.Protocol.Gossip;

namespace OrderLedger.EventStore.EventStoreDb;

/// <summary>
/// Pure translation between the port's types and EventStoreDB's protocol messages. No I/O: everything the
/// adapter sends or interprets passes through here, so it is covered by unit tests without a server.
/// </summary>
public static class ProtocolMapping
{
    /// <summary>System metadata keys of a proposed or recorded event.</summary>
    public const string TypeKey = "type";
    public const string ContentTypeKey = "content-type";
    public const string CreatedKey = "created";

    /// <summary>
    /// The event-type regex applied when the caller gives no filter, so that system events (types starting
    /// with '$') are skipped by the server rather than shipped and dropped.
    /// </summary>
    public const string NonSystemEventTypeRegex = @"^[^\$].*";

    /// <summary>Server-side search window of a filtered subscription (events scanned per page).</summary>
    public const uint SubscriptionFilterWindow = 32;

    /// <summary>A checkpoint every <see cref="SubscriptionFilterWindow"/> x this many scanned events.</summary>
    public const uint CheckpointIntervalMultiplier = 32;

    // ---- identifiers -----------------------------------------------------------------------------------

    /// <summary>
    /// The structured form: the UUID's 16 bytes in RFC 4122 order, read as two big-endian signed 64-bit
    /// halves (what java.util.UUID's getMostSignificantBits/getLeastSignificantBits return).
    /// </summary>
    public static UUID ToUuid(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!id.TryWriteBytes(bytes, bigEndian: true, out _))
        {
            throw new InvalidOperationException("A Guid always has 16 bytes.");
        }

        return new UUID
        {
            Structured = new UUID.Types.Structured
            {
                MostSignificantBits = BinaryPrimitives.ReadInt64BigEndian(bytes[..8]),
                LeastSignificantBits = BinaryPrimitives.ReadInt64BigEndian(bytes[8..]),
            },
        };
    }

    public static Guid ToGuid(UUID uuid)
    {
        switch (uuid.ValueCase)
        {
            case UUID.ValueOneofCase.Structured:
                Span<byte> bytes = stackalloc byte[16];
                BinaryPrimitives.WriteInt64BigEndian(bytes[..8], uuid.Structured.MostSignificantBits);
                BinaryPrimitives.WriteInt64BigEndian(bytes[8..], uuid.Structured.LeastSignificantBits);
                return new Guid(bytes, bigEndian: true);
            case UUID.ValueOneofCase.String:
                return Guid.TryParse(uuid.String, out var parsed)
                    ? parsed
                    : throw new FormatException($"The server sent an event id that is not a UUID: '{uuid.String}'.");
            default:
                throw new FormatException("The server sent an empty event id.");
        }
    }

    public static StreamIdentifier ToStreamIdentifier(string streamId)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        return new StreamIdentifier { StreamName = ByteString.CopyFromUtf8(streamId) };
    }

    public static string ToStreamId(StreamIdentifier identifier) => identifier.StreamName.ToStringUtf8();

    // ---- positions ---------------------------------------------------------------------------------------

    public static ReadReq.Types.Options.Types.Position ToReadPosition(Position position) =>
        new() { CommitPosition = position.Commit, PreparePosition = position.Prepare };

    public static Position ToPosition(AppendResp.Types.Position position) => new(position.CommitPosition, position.PreparePosition);

    public static Position ToPosition(ReadResp.Types.Checkpoint checkpoint) => new(checkpoint.CommitPosition, checkpoint.PreparePosition);

    public static Position ToPosition(ReadResp.Types.Position position) => new(position.CommitPosition, position.PreparePosition);

    public static Position ToPosition(ReadResp.Types.ReadEvent.Types.RecordedEvent recorded) =>
        new(recorded.CommitPosition, recorded.PreparePosition);

    /// <summary>$all options for "strictly after <paramref name="after"/>": null and <see cref="Position.Start"/> both mean the start.</summary>
    public static ReadReq.Types.Options.Types.AllOptions ToAllOptions(Position? after) =>
        after is { } position && position != Position.Start
            ? new() { Position = ToReadPosition(position) }
            : new() { Start = new Empty() };

    // ---- append ------------------------------------------------------------------------------------------

    public static AppendReq ToAppendOptions(string streamId, ExpectedRevision expected)
    {
        var options = new AppendReq.Types.Options { StreamIdentifier = ToStreamIdentifier(streamId) };
        switch (expected.Kind)
        {
            case ExpectedRevisionKind.Any:
                options.Any = new Empty();
                break;
            case ExpectedRevisionKind.NoStream:
                options.NoStream = new Empty();
                break;
            case ExpectedRevisionKind.StreamExists:
                options.StreamExists = new Empty();
                break;
            case ExpectedRevisionKind.Exact:
                options.Revision = expected.Revision;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(expected), expected.Kind, "Unknown expected revision kind.");
        }

        return new AppendReq { Options = options };
    }

    /// <summary>Type and content type travel in the system metadata; the project's metadata bytes go verbatim as custom metadata.</summary>
    public static AppendReq ToProposedMessage(EventData eventData)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventData.Type);
        return new AppendReq
        {
            ProposedMessage = new AppendReq.Types.ProposedMessage
            {
                Id = ToUuid(eventData.EventId),
                Metadata =
                {
                    [TypeKey] = eventData.Type,
                    [ContentTypeKey] = string.IsNullOrEmpty(eventData.ContentType) ? EventData.JsonContentType : eventData.ContentType,
                },
                CustomMetadata = ByteString.CopyFrom(eventData.Metadata.Span),
                Data = ByteString.CopyFrom(eventData.Data.Span),
            },
        };
    }

    /// <summary>
    /// A successful append's stream revision, and its position when the server reports one (an idempotent
    /// retry that wrote nothing comes back without a position).
    /// </summary>
    public sealed record AppendOutcome(ulong? CurrentRevision, Position? Position);

    /// <summary>Success, or the <see cref="WrongExpectedRevisionException"/> the response describes.</summary>
    public static AppendOutcome ToAppendOutcome(AppendResp response, string streamId, ExpectedRevision expected)
    {
        switch (response.ResultCase)
        {
            case AppendResp.ResultOneofCase.Success:
                var success = response.Success;
                return new AppendOutcome(
                    success.CurrentRevisionOptionCase == AppendResp.Types.Success.CurrentRevisionOptionOneofCase.CurrentRevision
                        ? success.CurrentRevision
                        : null,
                    success.PositionOptionCase == AppendResp.Types.Success.PositionOptionOneofCase.Position
                        ? ToPosition(success.Position)
                        : null);
            case AppendResp.ResultOneofCase.WrongExpectedVersion:
                throw new WrongExpectedRevisionException(streamId, expected, ActualRevision(response.WrongExpectedVersion));
            default:
                throw new EventStoreDbProtocolException($"The server answered the append to '{streamId}' with neither success nor a wrong expected version.");
        }
    }

    /// <summary>The stream's actual last revision in a wrong-expected-version answer; null = the stream does not exist.</summary>
    public static ulong? ActualRevision(AppendResp.Types.WrongExpectedVersion wrong) =>
        wrong.CurrentRevisionOptionCase switch
        {
            AppendResp.Types.WrongExpectedVersion.CurrentRevisionOptionOneofCase.CurrentRevision => wrong.CurrentRevision,
            AppendResp.Types.WrongExpectedVersion.CurrentRevisionOptionOneofCase.CurrentNoStream => null,
            _ => wrong.CurrentRevisionOption2060Case == AppendResp.Types.WrongExpectedVersion.CurrentRevisionOption2060OneofCase.CurrentRevision2060
                ? wrong.CurrentRevision2060
                : null,
        };

    // ---- reads ---------------------------------------------------------------------------------------------

    public static ReadReq ToReadStreamRequest(string streamId, StreamReadOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxCount);
        var streamOptions = new ReadReq.Types.Options.Types.StreamOptions { StreamIdentifier = ToStreamIdentifier(streamId) };
        if (options.FromRevision is { } revision)
        {
            streamOptions.Revision = revision;
        }
        else if (options.Direction == ReadDirection.Forwards)
        {
            streamOptions.Start = new Empty();
        }
        else
        {
            streamOptions.End = new Empty();
        }

        return new ReadReq
        {
            Options = new ReadReq.Types.Options
            {
                Stream = streamOptions,
                ReadDirection = ToReadDirection(options.Direction),
                ResolveLinks = false,
                Count = (ulong)options.MaxCount,
                NoFilter = new Empty(),
                UuidOption = StructuredUuids(),
            },
        };
    }

    /// <summary>
    /// Reads $all forwards from <paramref name="after"/>. The server treats a position as inclusive, so the
    /// adapter asks for one more event and drops the one at <paramref name="after"/> itself.
    /// </summary>
    public static ReadReq ToReadAllRequest(Position? after, EventFilter? filter, ulong count)
    {
        ArgumentOutOfRangeException.ThrowIfZero(count);
        return new ReadReq
        {
            Options = new ReadReq.Types.Options
            {
                All = ToAllOptions(after),
                ReadDirection = ReadReq.Types.Options.Types.ReadDirection.Forwards,
                ResolveLinks = false,
                Count = count,
                Filter = ToFilterOptions(filter, subscription: false),
                UuidOption = StructuredUuids(),
            },
        };
    }

    /// <summary>The newest event in $all that the filter (by default: every non-system event) keeps.</summary>
    public static ReadReq ToReadHeadRequest(EventFilter? filter) => new()
    {
        Options = new ReadReq.Types.Options
        {
            All = new ReadReq.Types.Options.Types.AllOptions { End = new Empty() },
            ReadDirection = ReadReq.Types.Options.Types.ReadDirection.Backwards,
            ResolveLinks = false,
            Count = 1,
            Filter = ToFilterOptions(filter, subscription: false),
            UuidOption = StructuredUuids(),
        },
    };

    /// <summary>A catch-up subscription to $all strictly after <paramref name="after"/> (the server's subscriptions are exclusive).</summary>
    public static ReadReq ToSubscribeToAllRequest(Position? after, EventFilter? filter) => new()
    {
        Options = new ReadReq.Types.Options
        {
            All = ToAllOptions(after),
            ReadDirection = ReadReq.Types.Options.Types.ReadDirection.Forwards,
            ResolveLinks = false,
            Subscription = new ReadReq.Types.Options.Types.SubscriptionOptions(),
            Filter = ToFilterOptions(filter, subscription: true),
            UuidOption = StructuredUuids(),
        },
    };

    /// <summary>
    /// The port's prefix filters map to the protocol's prefix expressions; no filter becomes an event-type
    /// regex that excludes system events. Subscriptions carry a search window and a checkpoint interval
    /// (the server rejects a zero multiplier); reads let the server count matching events.
    /// </summary>
    public static ReadReq.Types.Options.Types.FilterOptions ToFilterOptions(EventFilter? filter, bool subscription)
    {
        var expression = new ReadReq.Types.Options.Types.FilterOptions.Types.Expression();
        if (filter is null)
        {
            expression.Regex = NonSystemEventTypeRegex;
        }
        else
        {
            expression.Prefix.AddRange(filter.Prefixes);
        }

        var options = new ReadReq.Types.Options.Types.FilterOptions();
        if (filter?.Kind == EventFilterKind.StreamPrefix)
        {
            options.StreamIdentifier = expression;
        }
        else
        {
            options.EventType = expression;
        }

        if (subscription)
        {
            options.Max = SubscriptionFilterWindow;
            options.CheckpointIntervalMultiplier = CheckpointIntervalMultiplier;
        }
        else
        {
            options.Count = new Empty();
        }

        return options;
    }

    public static bool IsSystemEventType(string type) => type.StartsWith('$');

    /// <summary>The port's view of a read or subscription event (the event itself, never a resolved link).</summary>
    public static RecordedEvent ToRecordedEvent(ReadResp.Types.ReadEvent readEvent)
    {
        var recorded = readEvent.Event ?? throw new EventStoreDbProtocolException("The server sent a read event without its event.");
        if (!recorded.Metadata.TryGetValue(TypeKey, out var type))
        {
            throw new EventStoreDbProtocolException($"The server sent an event of '{ToStreamId(recorded.StreamIdentifier)}' without a '{TypeKey}'.");
        }

        return new RecordedEvent(
            StreamId: ToStreamId(recorded.StreamIdentifier),
            Revision: recorded.StreamRevision,
            Position: ToPosition(recorded),
            EventId: ToGuid(recorded.Id),
            Type: type,
            Data: recorded.Data.Memory,
            Metadata: recorded.CustomMetadata.Memory,
            Created: ToCreated(recorded.Metadata.TryGetValue(CreatedKey, out var created) ? created : null),
            ContentType: recorded.Metadata.TryGetValue(ContentTypeKey, out var contentType) && contentType.Length > 0
                ? contentType
                : EventData.JsonContentType);
    }

    /// <summary>"created" holds 100 ns ticks since the Unix epoch, as a decimal string.</summary>
    public static DateTimeOffset ToCreated(string? ticksSinceEpoch) =>
        long.TryParse(ticksSinceEpoch, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ticks)
            ? DateTimeOffset.UnixEpoch.AddTicks(ticks)
            : DateTimeOffset.UnixEpoch;

    // ---- cluster -------------------------------------------------------------------------------------------

    /// <summary>
    /// The node gossip answers for the preference: a live node in the preferred state, else any live leader,
    /// follower or read-only replica (in that order); null when none is usable yet (e.g. during an election).
    /// </summary>
    public static DnsEndPoint? SelectNode(ClusterInfo cluster, NodePreference preference)
    {
        var usable = cluster.Members
            .Where(m => m.IsAlive && m.HttpEndPoint is not null && m.State is MemberInfo.Types.VNodeState.Leader
                or MemberInfo.Types.VNodeState.Follower or MemberInfo.Types.VNodeState.ReadOnlyReplica)
            .ToList();
        var preferred = preference switch
        {
            NodePreference.Leader => usable.Where(m => m.State == MemberInfo.Types.VNodeState.Leader).ToList(),
            NodePreference.Follower => usable.Where(m => m.State == MemberInfo.Types.VNodeState.Follower).ToList(),
            NodePreference.ReadOnlyReplica => usable.Where(m => m.State == MemberInfo.Types.VNodeState.ReadOnlyReplica).ToList(),
            _ => usable,
        };
        var candidates = preferred.Count > 0 ? preferred : [.. usable.OrderBy(m => m.State switch
        {
            MemberInfo.Types.VNodeState.Leader => 0,
            MemberInfo.Types.VNodeState.Follower => 1,
            _ => 2,
        })];
        if (candidates.Count == 0)
        {
            return null;
        }

        var chosen = preference == NodePreference.Random || preferred.Count > 1
            ? candidates[Random.Shared.Next(candidates.Count)]
            : candidates[0];
        return new DnsEndPoint(chosen.HttpEndPoint.Address, (int)chosen.HttpEndPoint.Port);
    }

    private static ReadReq.Types.Options.Types.ReadDirection ToReadDirection(ReadDirection direction) => direction switch
    {
        ReadDirection.Forwards => ReadReq.Types.Options.Types.ReadDirection.Forwards,
        ReadDirection.Backwards => ReadReq.Types.Options.Types.ReadDirection.Backwards,
        _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, null),
    };

    private static ReadReq.Types.Options.Types.UUIDOption StructuredUuids() => new() { Structured = new Empty() };
}
