using System.Security.Cryptography;
using System.Text;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Audit;

namespace OrderLedger.Audit.Notary;

/// <summary>
/// What the Merkle tree commits to for one event of $all: SHA-256 of the tag <c>orderledger/leaf/v1</c> and, each
/// length-prefixed as in hash scheme v2, the stream id, revision, event id, type, data and the metadata as stored (its
/// sealed hash included). It is computed from the stored event, never read from it, and is the same for events sealed
/// under v1 or v2, so old events are notarised by everything that identifies them too.
/// </summary>
public static class LogLeaf
{
    private static readonly byte[] Tag = Encoding.ASCII.GetBytes("orderledger/leaf/v1");

    public static byte[] Of(RecordedEvent e)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Tag);
        HashChain.AppendIdentity(sha, e.StreamId, e.Revision, e.EventId, e.Type, e.Data.Span, e.Metadata.Span);
        return sha.GetHashAndReset();
    }

    /// <summary>The tree's leaf hash for the event: RFC 6962's SHA-256(0x00 ‖ leaf).</summary>
    public static byte[] HashOf(RecordedEvent e) => MerkleTree.LeafHash(Of(e));
}
