using Npgsql;
using OrderLedger.EventStore;

namespace OrderLedger.Projections.Tests.Support;

/// <summary>Digests of the ledger tables, as readers see them and as the event log says they must be.</summary>
public static class Ledger
{
    private const string AccountsColumns = "stream_id, balance, events, last_revision";
    private const string EntriesColumns = "event_id, stream_id, revision, amount, commit_position, prepare_position";

    /// <summary>"rows:md5" of every row of both tables behind the <c>rm</c> views (or in <paramref name="schema"/>).</summary>
    public static async Task<string> DigestAsync(NpgsqlDataSource db, string name = "ledger", string schema = "rm") =>
        await DigestOfAsync(db, $"SELECT {AccountsColumns} FROM {schema}.{name}_accounts")
        + " " + await DigestOfAsync(db, $"SELECT {EntriesColumns} FROM {schema}.{name}_entries");

    /// <summary>The same digest computed straight from the event log: what a correct build must contain.</summary>
    public static Task<string> ExpectedDigestAsync(NpgsqlDataSource db) => DigestOfEventTableAsync(db, "eventstore.events");

    /// <summary>
    /// The same digest from any store's log, read through the port: the events are copied into a table of the embedded
    /// store's shape (positions as the store reports them), then digested by the same query.
    /// </summary>
    public static async Task<string> ExpectedDigestAsync(NpgsqlDataSource db, IEventStore store)
    {
        var table = "expected_" + Guid.NewGuid().ToString("N")[..12];
        await using (var create = db.CreateCommand($"CREATE TABLE {table} (event_id uuid, stream_id text, stream_revision bigint, tx_id bigint, seq bigint, event_type text, data bytea)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        try
        {
            await using (var connection = await db.OpenConnectionAsync())
            await using (var copy = await connection.BeginBinaryImportAsync($"COPY {table} FROM STDIN (FORMAT BINARY)"))
            {
                await foreach (var e in store.ReadAllAsync(null, null, long.MaxValue))
                {
                    await copy.WriteRowAsync(default, e.EventId, e.StreamId, checked((long)e.Revision), checked((long)e.Position.Commit), checked((long)e.Position.Prepare), e.Type, e.Data.ToArray());
                }

                await copy.CompleteAsync();
            }

            return await DigestOfEventTableAsync(db, table);
        }
        finally
        {
            await using var drop = db.CreateCommand($"DROP TABLE {table}");
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static async Task<string> DigestOfEventTableAsync(NpgsqlDataSource db, string table)
    {
        var events = $"""
            SELECT event_id, stream_id, stream_revision AS revision, tx_id AS commit_position, seq AS prepare_position,
                   CASE event_type WHEN '{TestEvents.DepositedType}' THEN 1 ELSE -1 END * (convert_from(data, 'UTF8')::jsonb ->> 'amount')::bigint AS amount
            FROM {table} WHERE event_type IN ('{TestEvents.DepositedType}', '{TestEvents.WithdrawnType}')
            """;
        return await DigestOfAsync(db, $"SELECT stream_id, sum(amount)::bigint, count(*)::bigint, max(revision)::bigint FROM ({events}) e GROUP BY stream_id")
            + " " + await DigestOfAsync(db, $"SELECT {EntriesColumns} FROM ({events}) e");
    }

    public static async Task<string> DigestOfAsync(NpgsqlDataSource db, string query)
    {
        await using var command = db.CreateCommand($"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM ({query}) t");
        return (string)(await command.ExecuteScalarAsync())!;
    }

    public static async Task<long> CountEventsAsync(NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand("SELECT count(*) FROM eventstore.events");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql, params object[] parameters)
    {
        await using var command = db.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }
}
