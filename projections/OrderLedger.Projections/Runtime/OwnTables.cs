using Npgsql;

namespace OrderLedger.Projections.Runtime;

/// <summary>
/// The tables a background service keeps for itself outside the projection schemas (what it dispatched or delivered, so
/// a rebuild never repeats a side effect): created by idempotent DDL once per process, before its first pass.
/// </summary>
public sealed class OwnTables(NpgsqlDataSource dataSource, string ddl)
{
    private int _created;

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _created) == 1)
        {
            return;
        }

        await using var command = dataSource.CreateCommand(ddl);
        await command.ExecuteNonQueryAsync(cancellationToken);
        Volatile.Write(ref _created, 1);
    }
}
