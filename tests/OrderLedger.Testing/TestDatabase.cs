using Npgsql;
using Xunit;

namespace OrderLedger.Testing;

/// <summary>
/// A fresh PostgreSQL database for one test class (use as <c>IClassFixture&lt;TestDatabase&gt;</c>), dropped
/// afterwards, so test classes run in parallel and leave nothing behind. The server is the one
/// <c>tools/test.sh</c> starts; its admin connection string comes from <c>ORDERLEDGER_TEST_PG</c>.
/// <see cref="ConnectionString"/> owns the database (migrations, and tests that set up or inspect anything);
/// <see cref="AppConnectionString"/> is the least-privileged application role of docs/security.md: no superuser, and
/// on the event log only what the migration grants it (SELECT, INSERT).
/// </summary>
public sealed class TestDatabase : IAsyncLifetime
{
    public const string ServerVariable = "ORDERLEDGER_TEST_PG";

    /// <summary>The application role of every test database (a cluster-wide role, made once).</summary>
    public const string AppRole = "orderledger_test_app";

    public string Name { get; } = "test_" + Guid.NewGuid().ToString("N")[..16];

    public string ConnectionString { get; private set; } = "";

    /// <summary>This database as the application role: connect and create its own schemas (read models), nothing else.</summary>
    public string AppConnectionString { get; private set; } = "";

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{ServerVariable} is not set. Run the suite with tools/test.sh, which starts PostgreSQL and sets it " +
                "(or export it yourself: a connection string for a role that may create databases).");

    public async Task InitializeAsync()
    {
        await using (var admin = new NpgsqlConnection(ServerConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {Name}", admin);
            await create.ExecuteNonQueryAsync();
            await EnsureAppRoleAsync(admin);
            await using var grant = new NpgsqlCommand($"REVOKE ALL ON DATABASE {Name} FROM PUBLIC; GRANT CONNECT, TEMPORARY, CREATE ON DATABASE {Name} TO {AppRole}", admin);
            await grant.ExecuteNonQueryAsync();
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = Name, MaxPoolSize = 60 }.ConnectionString;
        AppConnectionString = new NpgsqlConnectionStringBuilder(ConnectionString) { Username = AppRole, MaxPoolSize = 20 }.ConnectionString;
        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    /// <summary>
    /// Runs one statement that rewrites the event log's history (tests of tamper evidence), as the owner with the
    /// documented maintenance setting on for its transaction only; returns the rows affected.
    /// </summary>
    public async Task<int> RewriteHistoryAsync(string sql, params object[] parameters)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var maintenance = new NpgsqlCommand("SELECT set_config('orderledger.maintenance', 'on', true)", connection, transaction))
        {
            await maintenance.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        var rows = await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
        return rows;
    }

    /// <summary>Creates the application role once per cluster; parallel test classes may race to create it.</summary>
    private static async Task EnsureAppRoleAsync(NpgsqlConnection admin)
    {
        var password = new NpgsqlConnectionStringBuilder(ServerConnectionString).Password ?? "";
        await using var exists = new NpgsqlCommand($"SELECT count(*) FROM pg_roles WHERE rolname = '{AppRole}'", admin);
        if ((long)(await exists.ExecuteScalarAsync())! > 0)
        {
            return;
        }

        try
        {
            await using var create = new NpgsqlCommand(
                $"CREATE ROLE {AppRole} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{password.Replace("'", "''", StringComparison.Ordinal)}'", admin);
            await create.ExecuteNonQueryAsync();
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateObject or PostgresErrorCodes.UniqueViolation)
        {
            // Another test class created it first.
        }
    }

    public async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(ServerConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
