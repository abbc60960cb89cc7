using Npgsql;

namespace OrderLedger.Bench;

/// <summary>A database of its own for one benchmark section, dropped afterwards.</summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string _serverConnectionString;
    private readonly string _name;

    private readonly bool _keep;

    private BenchDatabase(string serverConnectionString, string name, bool keep = false)
    {
        _keep = keep;
        _serverConnectionString = serverConnectionString;
        _name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name, MaxPoolSize = 80 }.ConnectionString;
    }

    public string ConnectionString { get; }

    public static async Task<BenchDatabase> CreateAsync(string serverConnectionString)
    {
        var name = "bench_" + Guid.NewGuid().ToString("N")[..12];
        await using var admin = new NpgsqlConnection(serverConnectionString);
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
        await create.ExecuteNonQueryAsync();
        return new BenchDatabase(serverConnectionString, name);
    }

    /// <summary>
    /// A database kept across runs (<c>--dataset NAME</c>), so the catch-up figure can be iterated on without seeding a
    /// million events each time. Created when missing; <see cref="Existed"/> says whether it was.
    /// </summary>
    public static async Task<BenchDatabase> OpenOrCreateKeptAsync(string serverConnectionString, string name)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z_][a-z0-9_]{0,40}$"))
        {
            throw new ArgumentException($"Dataset database name '{name}' must be a lower-case SQL identifier.");
        }

        await using var admin = new NpgsqlConnection(serverConnectionString);
        await admin.OpenAsync();
        await using var exists = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = $1", admin);
        exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        var existed = (long)(await exists.ExecuteScalarAsync())! > 0;
        if (!existed)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        return new BenchDatabase(serverConnectionString, name, keep: true) { Existed = existed };
    }

    public bool Existed { get; private init; }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_keep)
        {
            return;
        }

        await using var admin = new NpgsqlConnection(_serverConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
