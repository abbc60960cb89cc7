using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.EventStore.Audit;

/// <summary>
/// Tamper evidence (brief §6, docs/audit.md). Two schemes, told apart by the metadata's <c>hashVersion</c> (itself hashed):
/// <list type="bullet">
/// <item>v1 (no <c>hashVersion</c>): SHA-256(prevHash ‖ 0 ‖ type ‖ 0 ‖ data ‖ 0 ‖ metadata-without-hash). Events written
/// before v2 keep verifying under it.</item>
/// <item>v2 (<c>"hashVersion":2</c>): SHA-256 of the tag <c>orderledger/event/v2</c> and then, each as an 8-byte big-endian
/// length and its bytes, the stream id, the revision (8 bytes big-endian), the event id (16 bytes, RFC 9562 order), the type,
/// the data, the metadata without the hash, and prevHash: everything that identifies the event, without ambiguity.</item>
/// </list>
/// The hash is sealed into the metadata as its last property, so the hashed bytes are recovered exactly by
/// cutting that property off again: no JSON canonicalisation is needed and stored bytes are never re-encoded.
/// </summary>
public static class HashChain
{
    /// <summary>The previous hash of a stream's first event.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The scheme every new event is sealed with.</summary>
    public const int CurrentVersion = 2;

    private static readonly byte[] HashPropertyPrefix = Encoding.UTF8.GetBytes(",\"hash\":\"");
    private static readonly byte[] V2Tag = Encoding.ASCII.GetBytes("orderledger/event/v2");
    private const int HexLength = 64;

    /// <summary>The v1 hash: kept to verify events written before v2.</summary>
    public static string ComputeHash(string prevHash, string typeName, ReadOnlySpan<byte> data, ReadOnlySpan<byte> unsealedMetadata)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.ASCII.GetBytes(prevHash));
        sha.AppendData([0]);
        sha.AppendData(Encoding.UTF8.GetBytes(typeName));
        sha.AppendData([0]);
        sha.AppendData(data);
        sha.AppendData([0]);
        sha.AppendData(unsealedMetadata);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>The v2 hash of an event at <paramref name="revision"/> of <paramref name="streamId"/>.</summary>
    public static string ComputeHashV2(
        string streamId, ulong revision, Guid eventId, string typeName, ReadOnlySpan<byte> data, ReadOnlySpan<byte> unsealedMetadata, string prevHash)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(V2Tag);
        AppendIdentity(sha, streamId, revision, eventId, typeName, data, unsealedMetadata);
        AppendField(sha, Encoding.ASCII.GetBytes(prevHash));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>Appends, each as one field, what identifies an event: stream id, revision, event id, type, data and metadata.</summary>
    public static void AppendIdentity(
        IncrementalHash sha, string streamId, ulong revision, Guid eventId, string typeName, ReadOnlySpan<byte> data, ReadOnlySpan<byte> metadata)
    {
        AppendField(sha, Encoding.UTF8.GetBytes(streamId));
        Span<byte> fixedField = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(fixedField, revision);
        AppendField(sha, fixedField[..8]);
        eventId.TryWriteBytes(fixedField, bigEndian: true, out _);
        AppendField(sha, fixedField);
        AppendField(sha, Encoding.UTF8.GetBytes(typeName));
        AppendField(sha, data);
        AppendField(sha, metadata);
    }

    /// <summary>Appends one field as its length (8 bytes, big-endian) and its bytes: no field can run into the next.</summary>
    public static void AppendField(IncrementalHash sha, ReadOnlySpan<byte> field)
    {
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)field.Length);
        sha.AppendData(length);
        sha.AppendData(field);
    }

    /// <summary>Appends <c>"hash":"…"</c> as the last property of a JSON object.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> unsealedMetadata, string hash)
    {
        if (unsealedMetadata.Length < 2 || unsealedMetadata[^1] != (byte)'}')
        {
            throw new ArgumentException("Metadata must be a compact JSON object.", nameof(unsealedMetadata));
        }

        var body = unsealedMetadata[..^1];
        var sealedBytes = new byte[body.Length + HashPropertyPrefix.Length + HexLength + 2];
        body.CopyTo(sealedBytes);
        HashPropertyPrefix.CopyTo(sealedBytes.AsSpan(body.Length));
        Encoding.ASCII.GetBytes(hash, sealedBytes.AsSpan(body.Length + HashPropertyPrefix.Length));
        sealedBytes[^2] = (byte)'"';
        sealedBytes[^1] = (byte)'}';
        return sealedBytes;
    }

    /// <summary>Splits sealed metadata into the hashed bytes and the recorded hash; false when it carries none.</summary>
    public static bool TryUnseal(ReadOnlyMemory<byte> sealedMetadata, out ReadOnlyMemory<byte> unsealedMetadata, out string recordedHash)
    {
        unsealedMetadata = default;
        recordedHash = "";
        var suffixLength = HashPropertyPrefix.Length + HexLength + 2;
        var span = sealedMetadata.Span;
        if (span.Length < suffixLength + 2 || span[^1] != (byte)'}' || span[^2] != (byte)'"'
            || !span[^suffixLength..].StartsWith(HashPropertyPrefix))
        {
            return false;
        }

        recordedHash = Encoding.ASCII.GetString(span.Slice(span.Length - HexLength - 2, HexLength));
        var unsealed = new byte[span.Length - suffixLength + 1];
        span[..^suffixLength].CopyTo(unsealed);
        unsealed[^1] = (byte)'}';
        unsealedMetadata = unsealed;
        return true;
    }

    /// <summary>Re-walks one stream's events (in revision order) and returns the first broken link, if any.</summary>
    public static ChainBreak? FindFirstBreak(IEnumerable<RecordedEvent> streamEvents)
    {
        ChainLink? previous = null;
        foreach (var e in streamEvents)
        {
            var (link, broken) = CheckNext(e, previous);
            if (broken is not null)
            {
                return broken;
            }

            previous = link;
        }

        return null;
    }

    /// <summary>
    /// Checks <paramref name="e"/> as the successor of <paramref name="previous"/> (null: as a stream's first event): the
    /// revision follows on, the hash chains, and the scheme never drops back to v1 once a stream has used v2 (a
    /// downgrade would let a rewrite escape the fields only v2 covers).
    /// </summary>
    public static (ChainLink Link, ChainBreak? Break) CheckNext(RecordedEvent e, ChainLink? previous)
    {
        var expectedRevision = previous is null ? 0 : previous.Revision + 1;
        if (e.Revision != expectedRevision)
        {
            // The walk goes on from what this event records, so each change is reported once.
            return (new ChainLink(e.Revision, TryUnseal(e.Metadata, out _, out var recorded) ? recorded : "", previous?.Version ?? 1),
                new ChainBreak(e.StreamId, e.Revision, e.Position, $"revision {expectedRevision}", $"revision {e.Revision}"));
        }

        var (hash, broken) = Check(e, previous?.Hash ?? GenesisHash, out var version);
        var link = new ChainLink(e.Revision, hash, version);
        if (broken is null && previous is not null && version < previous.Version)
        {
            broken = new ChainBreak(e.StreamId, e.Revision, e.Position, $"hashVersion {previous.Version} or later", $"hashVersion {version}");
        }

        return (link, broken);
    }

    /// <summary>Checks one event against the hash of its predecessor in the stream, under the scheme it was sealed with.</summary>
    /// <param name="version">The scheme the event says it was sealed with (1 when it names none).</param>
    public static (string Hash, ChainBreak? Break) Check(RecordedEvent e, string expectedPrevHash, out int version)
    {
        version = 1;
        if (!TryUnseal(e.Metadata, out var unsealed, out var recordedHash))
        {
            return ("", new ChainBreak(e.StreamId, e.Revision, e.Position, "a hash", "no hash in metadata"));
        }

        var metadata = EventCodec.DecodeMetadata(unsealed);
        version = metadata?.HashVersion ?? 1;
        var recordedPrev = metadata?.PrevHash;
        if (recordedPrev != expectedPrevHash)
        {
            return (recordedHash, new ChainBreak(e.StreamId, e.Revision, e.Position, $"prevHash {expectedPrevHash}", $"prevHash {recordedPrev ?? "(none)"}"));
        }

        var actual = version switch
        {
            1 => ComputeHash(expectedPrevHash, e.Type, e.Data.Span, unsealed.Span),
            2 => ComputeHashV2(e.StreamId, e.Revision, e.EventId, e.Type, e.Data.Span, unsealed.Span, expectedPrevHash),
            _ => null,
        };
        if (actual is null)
        {
            return (recordedHash, new ChainBreak(e.StreamId, e.Revision, e.Position, $"hashVersion 1..{CurrentVersion}", $"hashVersion {version}"));
        }

        return actual == recordedHash
            ? (recordedHash, null)
            : (recordedHash, new ChainBreak(e.StreamId, e.Revision, e.Position, $"hash {actual}", $"hash {recordedHash}"));
    }
}

/// <summary>Where a stream's chain stands after an event: what its successor must follow on from.</summary>
public sealed record ChainLink(ulong Revision, string Hash, int Version);

/// <summary>The first event whose recorded hashes do not match what its bytes and predecessor imply.</summary>
public sealed record ChainBreak(string StreamId, ulong Revision, Position Position, string Expected, string Found);
