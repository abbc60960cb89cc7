using System.Security.Cryptography;
using System.Text;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.EventStore.Audit;

/// <summary>
/// Tamper evidence (brief §6). hash = SHA-256(prevHash ‖ 0 ‖ type ‖ 0 ‖ data ‖ 0 ‖ metadata-without-hash).
/// The hash is sealed into the metadata as its last property, so the hashed bytes are recovered exactly by
/// cutting that property off again: no JSON canonicalisation is needed and stored bytes are never re-encoded.
/// </summary>
public static class HashChain
{
    /// <summary>The previous hash of a stream's first event.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    private static readonly byte[] HashPropertyPrefix = Encoding.UTF8.GetBytes(",\"hash\":\"");
    private const int HexLength = 64;

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
        var expectedPrev = GenesisHash;
        foreach (var e in streamEvents)
        {
            var check = Check(e, expectedPrev);
            if (check.Break is not null)
            {
                return check.Break;
            }

            expectedPrev = check.Hash;
        }

        return null;
    }

    /// <summary>Checks one event against the hash of its predecessor in the stream.</summary>
    public static (string Hash, ChainBreak? Break) Check(RecordedEvent e, string expectedPrevHash)
    {
        if (!TryUnseal(e.Metadata, out var unsealed, out var recordedHash))
        {
            return ("", new ChainBreak(e.StreamId, e.Revision, e.Position, "a hash", "no hash in metadata"));
        }

        var recordedPrev = EventCodec.DecodeMetadata(unsealed)?.PrevHash;
        if (recordedPrev != expectedPrevHash)
        {
            return (recordedHash, new ChainBreak(e.StreamId, e.Revision, e.Position, $"prevHash {expectedPrevHash}", $"prevHash {recordedPrev ?? "(none)"}"));
        }

        var actual = ComputeHash(expectedPrevHash, e.Type, e.Data.Span, unsealed.Span);
        return actual == recordedHash
            ? (recordedHash, null)
            : (recordedHash, new ChainBreak(e.StreamId, e.Revision, e.Position, $"hash {actual}", $"hash {recordedHash}"));
    }
}

/// <summary>The first event whose recorded hashes do not match what its bytes and predecessor imply.</summary>
public sealed record ChainBreak(string StreamId, ulong Revision, Position Position, string Expected, string Found);
