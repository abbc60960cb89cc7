using System.Security.Cryptography;

namespace OrderLedger.Audit.Notary;

/// <summary>
/// The Merkle tree of RFC 6962 (Certificate Transparency; algorithms as restated in RFC 9162 §2.1): leaf hash
/// SHA-256(0x00 ‖ leaf), node hash SHA-256(0x01 ‖ left ‖ right), a tree of n leaves split at the largest power of two
/// below n. Inclusion and consistency proofs are the RFC's audit paths, so any RFC 6962 verifier checks them.
/// </summary>
public static class MerkleTree
{
    public const int HashSize = 32;

    /// <summary>The root of the empty tree: SHA-256 of nothing.</summary>
    public static byte[] EmptyRoot { get; } = SHA256.HashData([]);

    public static byte[] LeafHash(ReadOnlySpan<byte> leaf)
    {
        Span<byte> input = stackalloc byte[leaf.Length + 1];
        input[0] = 0x00;
        leaf.CopyTo(input[1..]);
        return SHA256.HashData(input);
    }

    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> input = stackalloc byte[1 + (2 * HashSize)];
        input[0] = 0x01;
        left.CopyTo(input[1..]);
        right.CopyTo(input[(1 + HashSize)..]);
        return SHA256.HashData(input);
    }

    /// <summary>MTH(D[n]) of the given leaf hashes.</summary>
    public static byte[] Root(IReadOnlyList<byte[]> leafHashes) => Root(leafHashes, 0, leafHashes.Count);

    private static byte[] Root(IReadOnlyList<byte[]> leaves, int start, int count)
    {
        if (count == 0)
        {
            return EmptyRoot;
        }

        if (count == 1)
        {
            return leaves[start];
        }

        var k = LargestPowerOfTwoBelow(count);
        return NodeHash(Root(leaves, start, k), Root(leaves, start + k, count - k));
    }

    /// <summary>PATH(m, D[n]): the audit path of leaf <paramref name="index"/> in the tree of the first <paramref name="treeSize"/> leaves.</summary>
    public static IReadOnlyList<byte[]> InclusionProof(IReadOnlyList<byte[]> leafHashes, long index, long treeSize)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(treeSize, leafHashes.Count);
        if (index < 0 || index >= treeSize)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"Leaf {index} is not in a tree of {treeSize}.");
        }

        var path = new List<byte[]>();
        Path((int)index, leafHashes, 0, (int)treeSize, path);
        return path;
    }

    private static void Path(int m, IReadOnlyList<byte[]> leaves, int start, int count, List<byte[]> path)
    {
        if (count <= 1)
        {
            return;
        }

        var k = LargestPowerOfTwoBelow(count);
        if (m < k)
        {
            Path(m, leaves, start, k, path);
            path.Add(Root(leaves, start + k, count - k));
        }
        else
        {
            Path(m - k, leaves, start + k, count - k, path);
            path.Add(Root(leaves, start, k));
        }
    }

    /// <summary>PROOF(m, D[n]): that the tree of the first <paramref name="firstSize"/> leaves is a prefix of the one of <paramref name="secondSize"/>.</summary>
    public static IReadOnlyList<byte[]> ConsistencyProof(IReadOnlyList<byte[]> leafHashes, long firstSize, long secondSize)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(secondSize, leafHashes.Count);
        if (firstSize < 0 || firstSize > secondSize)
        {
            throw new ArgumentOutOfRangeException(nameof(firstSize), $"A tree of {firstSize} is not a prefix of one of {secondSize}.");
        }

        var proof = new List<byte[]>();
        if (firstSize > 0)
        {
            SubProof((int)firstSize, leafHashes, 0, (int)secondSize, true, proof);
        }

        return proof;
    }

    private static void SubProof(int m, IReadOnlyList<byte[]> leaves, int start, int count, bool whole, List<byte[]> proof)
    {
        if (m == count)
        {
            if (!whole)
            {
                proof.Add(Root(leaves, start, count));
            }

            return;
        }

        var k = LargestPowerOfTwoBelow(count);
        if (m <= k)
        {
            SubProof(m, leaves, start, k, whole, proof);
            proof.Add(Root(leaves, start + k, count - k));
        }
        else
        {
            SubProof(m - k, leaves, start + k, count - k, false, proof);
            proof.Add(Root(leaves, start, k));
        }
    }

    /// <summary>RFC 9162 §2.1.3.2: true when <paramref name="proof"/> leads from the leaf to <paramref name="root"/>.</summary>
    public static bool VerifyInclusion(ReadOnlySpan<byte> leafHash, long index, long treeSize, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        if (index < 0 || index >= treeSize || leafHash.Length != HashSize || root.Length != HashSize || proof.Any(p => p.Length != HashSize))
        {
            return false;
        }

        var fn = index;
        var sn = treeSize - 1;
        var r = leafHash.ToArray();
        foreach (var p in proof)
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = NodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = NodeHash(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && r.AsSpan().SequenceEqual(root);
    }

    /// <summary>RFC 9162 §2.1.4.2: true when the tree with root <paramref name="secondRoot"/> extends the one with <paramref name="firstRoot"/>.</summary>
    public static bool VerifyConsistency(long firstSize, long secondSize, ReadOnlySpan<byte> firstRoot, ReadOnlySpan<byte> secondRoot, IReadOnlyList<byte[]> proof)
    {
        if (firstSize < 0 || firstSize > secondSize || firstRoot.Length != HashSize || secondRoot.Length != HashSize || proof.Any(p => p.Length != HashSize))
        {
            return false;
        }

        if (firstSize == secondSize)
        {
            return proof.Count == 0 && firstRoot.SequenceEqual(secondRoot);
        }

        if (firstSize == 0)
        {
            return proof.Count == 0 && firstRoot.SequenceEqual(EmptyRoot);
        }

        if (proof.Count == 0)
        {
            return false;
        }

        var path = (firstSize & (firstSize - 1)) == 0 ? [firstRoot.ToArray(), .. proof] : proof.ToList();
        var fn = firstSize - 1;
        var sn = secondSize - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        var fr = path[0];
        var sr = path[0];
        foreach (var c in path.Skip(1))
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                fr = NodeHash(c, fr);
                sr = NodeHash(c, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                sr = NodeHash(sr, c);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && fr.AsSpan().SequenceEqual(firstRoot) && sr.AsSpan().SequenceEqual(secondRoot);
    }

    private static int LargestPowerOfTwoBelow(int n) => 1 << (31 - int.LeadingZeroCount(n - 1));
}

/// <summary>
/// The compact frontier of a growing tree: the roots of its perfect subtrees, largest first (one per set bit of the
/// size, so O(log n) hashes). It is all the notary keeps to extend the tree and compute its root after a restart.
/// </summary>
public sealed class MerkleFrontier
{
    private readonly List<byte[]> _subtrees;

    public MerkleFrontier()
        : this(0, [])
    {
    }

    private MerkleFrontier(long size, List<byte[]> subtrees)
    {
        Size = size;
        _subtrees = subtrees;
    }

    public long Size { get; private set; }

    public IReadOnlyList<byte[]> Subtrees => _subtrees;

    /// <summary>Restores a frontier saved as <see cref="Subtrees"/>; refused when their count does not fit the size.</summary>
    public static MerkleFrontier Restore(long size, IReadOnlyList<byte[]> subtrees)
    {
        if (size < 0 || long.PopCount(size) != subtrees.Count || subtrees.Any(s => s.Length != MerkleTree.HashSize))
        {
            throw new InvalidDataException($"A frontier of a tree of {size} leaves has {long.PopCount(size)} subtree hashes, not {subtrees.Count}.");
        }

        return new MerkleFrontier(size, [.. subtrees]);
    }

    public void Append(byte[] leafHash)
    {
        var merged = leafHash;
        // Each trailing set bit of the old size is a subtree as large as what is being merged: they pair up.
        for (var size = Size; (size & 1) == 1; size >>= 1)
        {
            merged = MerkleTree.NodeHash(_subtrees[^1], merged);
            _subtrees.RemoveAt(_subtrees.Count - 1);
        }

        _subtrees.Add(merged);
        Size++;
    }

    public byte[] Root()
    {
        if (_subtrees.Count == 0)
        {
            return MerkleTree.EmptyRoot;
        }

        var root = _subtrees[^1];
        for (var i = _subtrees.Count - 2; i >= 0; i--)
        {
            root = MerkleTree.NodeHash(_subtrees[i], root);
        }

        return root;
    }
}
