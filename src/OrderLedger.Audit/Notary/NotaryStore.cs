using Npgsql;
using NpgsqlTypes;
using OrderLedger.EventStore;

namespace OrderLedger.Audit.Notary;

/// <summary>One leaf of the notary's tree as it recorded it: where in $all, which event, and the leaf hash.</summary>
public sealed record NotarisedLeaf(long Index, string StreamId, ulong Revision, Position Position, byte[] Hash);

/// <summary>Where the notary stands: the tree's size and compact frontier, and the $all position it has read to.</summary>
public sealed record NotaryState(MerkleFrontier Frontier, Position? LastPosition);

/// <summary>
/// The notary's tables in PostgreSQL (schema <c>notary</c>, in the read models' database for either event store): its
/// state (frontier), every leaf (to locate a change and build proofs) and every checkpoint. None of it is trusted by a
/// verifier: only the signed checkpoints are, and the leaves are checked against them before use.
/// </summary>
public sealed class NotaryStore(NpgsqlDataSource dataSource)
{
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            CREATE SCHEMA IF NOT EXISTS notary;
            CREATE TABLE IF NOT EXISTS notary.state (
                id int PRIMARY KEY CHECK (id = 1),
                tree_size bigint NOT NULL,
                last_commit bigint, last_prepare bigint,
                frontier bytea NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE IF NOT EXISTS notary.leaves (
                leaf_index bigint PRIMARY KEY,
                stream_id text NOT NULL,
                stream_revision bigint NOT NULL,
                commit_position bigint NOT NULL,
                prepare_position bigint NOT NULL,
                leaf_hash bytea NOT NULL);
            CREATE INDEX IF NOT EXISTS leaves_by_stream ON notary.leaves (stream_id, stream_revision);
            CREATE TABLE IF NOT EXISTS notary.checkpoints (
                tree_size bigint PRIMARY KEY,
                root_hash text NOT NULL,
                signed_at timestamptz NOT NULL,
                document text NOT NULL);
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<NotaryState> LoadStateAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT tree_size, last_commit, last_prepare, frontier FROM notary.state WHERE id = 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return new NotaryState(new MerkleFrontier(), null);
        }

        var size = reader.GetInt64(0);
        Position? last = reader.IsDBNull(1) ? null : new Position((ulong)reader.GetInt64(1), (ulong)reader.GetInt64(2));
        var packed = (byte[])reader[3];
        var subtrees = Enumerable.Range(0, packed.Length / MerkleTree.HashSize).Select(i => packed.AsSpan(i * MerkleTree.HashSize, MerkleTree.HashSize).ToArray()).ToList();
        return new NotaryState(MerkleFrontier.Restore(size, subtrees), last);
    }

    /// <summary>Stores a batch of new leaves, the state after them and (when due) a checkpoint, in one transaction.</summary>
    public async Task SaveAsync(IReadOnlyList<NotarisedLeaf> leaves, NotaryState state, SignedCheckpoint? checkpoint, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (leaves.Count > 0)
        {
            await using var copy = await connection.BeginBinaryImportAsync(
                "COPY notary.leaves (leaf_index, stream_id, stream_revision, commit_position, prepare_position, leaf_hash) FROM STDIN (FORMAT BINARY)", cancellationToken);
            foreach (var leaf in leaves)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(leaf.Index, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(leaf.StreamId, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync((long)leaf.Revision, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync((long)leaf.Position.Commit, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync((long)leaf.Position.Prepare, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(leaf.Hash, NpgsqlDbType.Bytea, cancellationToken);
            }

            await copy.CompleteAsync(cancellationToken);
        }

        await using (var save = new NpgsqlCommand("""
            INSERT INTO notary.state (id, tree_size, last_commit, last_prepare, frontier, updated_at) VALUES (1, $1, $2, $3, $4, now())
            ON CONFLICT (id) DO UPDATE SET tree_size = excluded.tree_size, last_commit = excluded.last_commit,
                last_prepare = excluded.last_prepare, frontier = excluded.frontier, updated_at = now()
            """, connection, transaction))
        {
            save.Parameters.AddWithValue(state.Frontier.Size);
            save.Parameters.AddWithValue(NpgsqlDbType.Bigint, state.LastPosition is { } p1 ? (long)p1.Commit : DBNull.Value);
            save.Parameters.AddWithValue(NpgsqlDbType.Bigint, state.LastPosition is { } p2 ? (long)p2.Prepare : DBNull.Value);
            save.Parameters.AddWithValue(state.Frontier.Subtrees.SelectMany(s => s).ToArray());
            await save.ExecuteNonQueryAsync(cancellationToken);
        }

        if (checkpoint is not null)
        {
            await using var insert = new NpgsqlCommand(
                "INSERT INTO notary.checkpoints (tree_size, root_hash, signed_at, document) VALUES ($1, $2, $3, $4) ON CONFLICT (tree_size) DO NOTHING", connection, transaction);
            insert.Parameters.AddWithValue(checkpoint.TreeSize);
            insert.Parameters.AddWithValue(checkpoint.RootHash);
            insert.Parameters.AddWithValue(checkpoint.Time);
            insert.Parameters.AddWithValue(checkpoint.ToJson());
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<SignedCheckpoint>> CheckpointsAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT document FROM notary.checkpoints ORDER BY tree_size");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var checkpoints = new List<SignedCheckpoint>();
        while (await reader.ReadAsync(cancellationToken))
        {
            checkpoints.Add(SignedCheckpoint.FromJson(reader.GetString(0)));
        }

        return checkpoints;
    }

    public async Task<SignedCheckpoint?> NewestCheckpointAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT document FROM notary.checkpoints ORDER BY tree_size DESC LIMIT 1");
        try
        {
            return await command.ExecuteScalarAsync(cancellationToken) is string json ? SignedCheckpoint.FromJson(json) : null;
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            // No notary has run against this database yet.
            return null;
        }
    }

    /// <summary>The recorded leaf hashes 0 … count-1 in order: all a proof needs, read with one column (binary COPY).</summary>
    public async Task<IReadOnlyList<byte[]>> LeafHashesAsync(long count, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var hashes = new List<byte[]>((int)Math.Min(count, 1 << 24));
        await using var reader = await connection.BeginBinaryExportAsync(
            $"COPY (SELECT leaf_hash FROM notary.leaves WHERE leaf_index < {count} ORDER BY leaf_index) TO STDOUT (FORMAT BINARY)", cancellationToken);
        while (await reader.StartRowAsync(cancellationToken) != -1)
        {
            hashes.Add(await reader.ReadAsync<byte[]>(NpgsqlDbType.Bytea, cancellationToken));
        }

        return hashes;
    }

    /// <summary>The recorded leaves 0 … count-1 in order.</summary>
    public async Task<IReadOnlyList<NotarisedLeaf>> LeavesAsync(long count, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT leaf_index, stream_id, stream_revision, commit_position, prepare_position, leaf_hash FROM notary.leaves WHERE leaf_index < $1 ORDER BY leaf_index");
        command.Parameters.AddWithValue(count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var leaves = new List<NotarisedLeaf>();
        while (await reader.ReadAsync(cancellationToken))
        {
            leaves.Add(new NotarisedLeaf(reader.GetInt64(0), reader.GetString(1), (ulong)reader.GetInt64(2),
                new Position((ulong)reader.GetInt64(3), (ulong)reader.GetInt64(4)), (byte[])reader[5]));
        }

        return leaves;
    }

    /// <summary>The index of the leaf of <paramref name="streamId"/> at <paramref name="revision"/>, if notarised.</summary>
    public async Task<long?> LeafIndexOfAsync(string streamId, ulong revision, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT min(leaf_index) FROM notary.leaves WHERE stream_id = $1 AND stream_revision = $2");
        command.Parameters.AddWithValue(streamId);
        command.Parameters.AddWithValue((long)revision);
        return await command.ExecuteScalarAsync(cancellationToken) is long index ? index : null;
    }
}
