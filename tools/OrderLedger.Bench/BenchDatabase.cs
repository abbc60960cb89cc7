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

    /// <summary>Whether the database already existed (only for a kept one: <see cref="OpenKeptAsync"/>).</summary>
    public bool Existed { get; private init; }

    /// <summary>A named database that is kept afterwards: created when missing, otherwise reused as it is.</summary>
    public static async Task<BenchDatabase> OpenKeptAsync(string serverConnectionString, string name)
    {
        await using var admin = new NpgsqlConnection(serverConnectionString);
        await admin.OpenAsync();
        await using var exists = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = @name)", admin);
        exists.Parameters.AddWithValue("name", name);
        var existed = (bool)(await exists.ExecuteScalarAsync())!;
        if (!existed)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        return new BenchDatabase(serverConnectionString, name, keep: true) { Existed = existed };
    }

    public async ValueTask DisposeAsync()
    {
        if (_keep)
        {
            NpgsqlConnection.ClearAllPools();
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(_serverConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
