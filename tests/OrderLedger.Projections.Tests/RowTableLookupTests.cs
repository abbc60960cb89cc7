using Npgsql;
using OrderLedger.Projections.Sql;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Projections.Tests;

/// <summary>
/// A build's lookups by key (<see cref="RowTable{TRow}.LoadAsync(ProjectionContext, IReadOnlyCollection{string[]}, CancellationToken)"/>)
/// probe the key's index, whatever the planner last learnt of the table (docs/projections.md, "lookups").
/// </summary>
public sealed class RowTableLookupTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private sealed record Item(string Id, string Name);

    private static readonly RowTable<Item> Items = new(
        "items", keyCount: 1, r => new Item(r.Text(0), r.Text(1)), Col.Text<Item>("id", i => i.Id), Col.Text<Item>("name", i => i.Name));

    [Fact]
    public async Task A_batch_of_keys_is_looked_up_through_the_index_in_a_table_that_outgrew_its_statistics()
    {
        // Given a table as a build leaves it: analyzed when it held 500 rows, 20,000 since, autovacuum not there yet.
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, """
            CREATE SCHEMA lookups;
            CREATE TABLE lookups.items (id text PRIMARY KEY, name text NOT NULL) WITH (autovacuum_enabled = false);
            INSERT INTO lookups.items SELECT 'item-' || i, 'name ' || i FROM generate_series(1, 500) i;
            ANALYZE lookups.items;
            INSERT INTO lookups.items SELECT 'item-' || i, 'name ' || i FROM generate_series(501, 20000) i;
            """);
        var before = await ScansAsync(connection);

        // When a batch looks up 600 keys, a third of them not in the table.
        var keys = Enumerable.Range(1, 600).Select(i => new[] { $"item-{i * 50}" }).ToList();
        List<Item> found;
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            found = await Items.LoadAsync(new ProjectionContext(connection, transaction, "lookups"), keys, CancellationToken.None);
            await transaction.CommitAsync();
        }

        // Then the rows are those of the keys present, read by index probes, not by a scan of the whole table.
        Assert.Equal(Enumerable.Range(1, 400).Select(i => $"item-{i * 50}").Order(StringComparer.Ordinal), found.Select(i => i.Id).Order(StringComparer.Ordinal));
        Assert.All(found, i => Assert.Equal("name " + i.Id["item-".Length..], i.Name));
        var after = await ScansAsync(connection);
        Assert.Equal(before.Sequential, after.Sequential);
        Assert.True(after.Index > before.Index, $"index scans {before.Index} → {after.Index}");
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The table's scan counters, with this session's pending statistics flushed first (PostgreSQL 15+).</summary>
    private static async Task<(long Sequential, long Index)> ScansAsync(NpgsqlConnection connection)
    {
        await ExecuteAsync(connection, "SELECT pg_stat_force_next_flush()");
        await ExecuteAsync(connection, "SELECT 1"); // the flush happens as the session goes idle after a transaction
        await using var command = new NpgsqlCommand(
            "SELECT pg_stat_clear_snapshot(); SELECT seq_scan, coalesce(idx_scan, 0) FROM pg_stat_user_tables WHERE schemaname = 'lookups' AND relname = 'items'",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.NextResultAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
