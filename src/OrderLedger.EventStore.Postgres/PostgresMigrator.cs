using System.Reflection;
using Npgsql;

namespace OrderLedger.EventStore.Postgres;

/// <summary>
/// Applies the embedded SQL migrations under an advisory lock so that several processes starting together
/// do not race: numbered scripts (<c>0001_*.sql</c>) once each, in order; repeatable scripts (<c>R_*.sql</c>,
/// idempotent function definitions) every time, after them. Safe to run at every start-up.
/// Run as the owner role; <paramref name="appRole"/>, when given, is then granted what the application needs of the
/// log and nothing more: read it, append to it (docs/security.md, "Database roles").
/// </summary>
public static partial class PostgresMigrator
{
    public static async Task MigrateAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken = default) =>
        await MigrateAsync(dataSource, schema, appRole: null, cancellationToken);

    public static async Task MigrateAsync(NpgsqlDataSource dataSource, string schema, string? appRole, CancellationToken cancellationToken = default)
    {
        if (appRole is not null && !RolePattern().IsMatch(appRole))
        {
            throw new ArgumentException($"Role name '{appRole}' must be a lower-case SQL identifier.", nameof(appRole));
        }

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

        if (appRole is not null)
        {
            await ExecuteAsync(connection, $"""
                GRANT USAGE ON SCHEMA {schema} TO {appRole};
                REVOKE ALL ON {schema}.events, {schema}.schema_migrations FROM {appRole};
                GRANT SELECT, INSERT ON {schema}.events TO {appRole};
                GRANT SELECT ON {schema}.schema_migrations TO {appRole};
                GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {schema} TO {appRole};
                """, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial System.Text.RegularExpressions.Regex RolePattern();

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
