using OrderLedger.Audit.Notary;
using Xunit;

namespace OrderLedger.Cli.Tests;

/// <summary>The tree against the Certificate Transparency reference vectors (RFC 6962), and proofs over every shape up to 40 leaves.</summary>
public sealed class MerkleTreeTests
{
    private static readonly byte[][] ReferenceLeaves =
        [.. new[] { "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f" }
            .Select(hex => MerkleTree.LeafHash(Convert.FromHexString(hex)))];

    private static readonly string[] ReferenceRoots =
    [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static List<byte[]> Leaves(int count) => [.. Enumerable.Range(0, count).Select(i => MerkleTree.LeafHash([(byte)i, (byte)(i * 7)]))];

    [Fact]
    public void Roots_match_the_reference_tree_heads_for_every_size_up_to_eight()
    {
        for (var size = 0; size <= 8; size++)
        {
            Assert.Equal(ReferenceRoots[size], Hex(MerkleTree.Root(ReferenceLeaves[..size])));
        }
    }

    [Theory]
    [InlineData(0, 8, "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7,5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e,6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")]
    [InlineData(5, 8, "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b,ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0,d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")]
    public void Inclusion_proofs_match_the_reference_audit_paths(long index, long size, string expected)
    {
        var proof = MerkleTree.InclusionProof(ReferenceLeaves, index, size);

        Assert.Equal(expected.Split(','), proof.Select(Hex));
        Assert.True(MerkleTree.VerifyInclusion(ReferenceLeaves[index], index, size, proof, Convert.FromHexString(ReferenceRoots[size])));
    }

    [Theory]
    [InlineData(2, 8, "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e,6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")]
    [InlineData(6, 8, "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a,ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0,d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")]
    public void Consistency_proofs_match_the_reference_proofs(long first, long second, string expected)
    {
        var proof = MerkleTree.ConsistencyProof(ReferenceLeaves, first, second);

        Assert.Equal(expected.Split(','), proof.Select(Hex));
        Assert.True(MerkleTree.VerifyConsistency(first, second, Convert.FromHexString(ReferenceRoots[first]), Convert.FromHexString(ReferenceRoots[second]), proof));
    }

    [Fact]
    public void Every_inclusion_proof_verifies_and_a_changed_leaf_or_path_or_index_does_not()
    {
        var leaves = Leaves(40);
        for (var size = 1; size <= leaves.Count; size++)
        {
            var root = MerkleTree.Root(leaves[..size]);
            for (var index = 0; index < size; index++)
            {
                var proof = MerkleTree.InclusionProof(leaves, index, size);
                Assert.True(MerkleTree.VerifyInclusion(leaves[index], index, size, proof, root), $"leaf {index} of {size}");
                Assert.False(MerkleTree.VerifyInclusion(MerkleTree.LeafHash([0xff, (byte)index]), index, size, proof, root));
                if (size > 1)
                {
                    Assert.False(MerkleTree.VerifyInclusion(leaves[index], (index + 1) % size, size, proof, root));
                    var bent = proof.Select(p => p.ToArray()).ToList();
                    bent[^1][3] ^= 0x01;
                    Assert.False(MerkleTree.VerifyInclusion(leaves[index], index, size, bent, root));
                    Assert.False(MerkleTree.VerifyInclusion(leaves[index], index, size, proof.Take(proof.Count - 1).ToList(), root));
                }
            }
        }
    }

    [Fact]
    public void Every_consistency_proof_verifies_and_a_rewritten_prefix_does_not()
    {
        var leaves = Leaves(24);
        var rewritten = leaves.ToList();
        rewritten[5] = MerkleTree.LeafHash([0xee]);
        for (var second = 1; second <= leaves.Count; second++)
        {
            for (var first = 1; first <= second; first++)
            {
                var proof = MerkleTree.ConsistencyProof(leaves, first, second);
                var firstRoot = MerkleTree.Root(leaves[..first]);
                Assert.True(MerkleTree.VerifyConsistency(first, second, firstRoot, MerkleTree.Root(leaves[..second]), proof), $"{first} -> {second}");
                if (first > 5 && first < second)
                {
                    var forgedProof = MerkleTree.ConsistencyProof(rewritten, first, second);
                    Assert.False(MerkleTree.VerifyConsistency(first, second, firstRoot, MerkleTree.Root(rewritten[..second]), forgedProof));
                }
            }
        }
    }

    [Fact]
    public void The_compact_frontier_gives_the_same_root_at_every_size_and_survives_a_restore()
    {
        var leaves = Leaves(70);
        var frontier = new MerkleFrontier();
        for (var size = 1; size <= leaves.Count; size++)
        {
            frontier.Append(leaves[size - 1]);
            Assert.Equal(Hex(MerkleTree.Root(leaves[..size])), Hex(frontier.Root()));
            Assert.Equal(long.PopCount(size), frontier.Subtrees.Count);
            frontier = MerkleFrontier.Restore(frontier.Size, frontier.Subtrees);
        }

        Assert.Throws<InvalidDataException>(() => MerkleFrontier.Restore(5, frontier.Subtrees));
    }
}
