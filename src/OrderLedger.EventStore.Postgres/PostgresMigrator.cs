using System.Reflection;
using Npgsql;

namespace OrderLedger.EventStore.Postgres;

/// <summary>
/// Applies the embedded SQL migrations under an advisory lock so that several processes starting together
/// do not race: numbered scripts (<c>0001_*.sql</c>) once each, in order; repeatable scripts (<c>R_*.sql</c>,
/// idempotent function definitions) every time, after them. Safe to run at every start-up.
/// </summary>
public static class PostgresMigrator
{
    public static async Task MigrateAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock(hashtext('orderledger-migrate-{schema}'))", cancellationToken);
        await ExecuteAsync(connection, $"""
            CREATE SCHEMA IF NOT EXISTS {schema};
            CREATE TABLE IF NOT EXISTS {schema}.schema_migrations (
                name text PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now());
            """, cancellationToken);

        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand($"SELECT name FROM {schema}.schema_migrations", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetString(0));
            }
        }

        foreach (var (name, sql) in EmbeddedMigrations())
        {
            var repeatable = name.StartsWith("R_", StringComparison.Ordinal);
            if (!repeatable && applied.Contains(name))
            {
                continue;
            }

            await ExecuteAsync(connection, sql.Replace("__schema__", schema, StringComparison.Ordinal), cancellationToken);
            if (repeatable)
            {
                continue;
            }

            await using var record = new NpgsqlCommand($"INSERT INTO {schema}.schema_migrations (name) VALUES ($1)", connection);
            record.Parameters.AddWithValue(name);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static IEnumerable<(string Name, string Sql)> EmbeddedMigrations()
    {
        var assembly = Assembly.GetExecutingAssembly();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var name = resource.Split('.')[^2];
            yield return (name, reader.ReadToEnd());
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
