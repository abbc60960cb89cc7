using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Postgres;
using OrderLedger.Hosting;
using OrderLedger.Projections.Runtime;

namespace OrderLedger.Bench;

/// <summary>
/// Builds every read model from the log in the standalone projector (first build, then blue/green rebuilds of all of
/// them), against a COPY of the same number of rows into an equivalent indexed table.
/// </summary>
public sealed class CatchUpBenchmark(string connectionString, IReadOnlyCollection<string>? only = null) : IAsyncDisposable
{
    /// <summary>The core read models of brief §4: the figure is about these.</summary>
    public static readonly IReadOnlyList<string> CoreReadModels = ["orders", "customer_timeline", "stock_levels", "shipments", "refunds", "conversations"];

    private readonly ServiceProvider _services = BuildServices(connectionString, only);

    public IProjectionAdmin Admin => _services.GetRequiredService<IProjectionAdmin>();

    public IEventStore Store => _services.GetRequiredService<IEventStore>();

    private static ServiceProvider BuildServices(string connectionString, IReadOnlyCollection<string>? only)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = connectionString,
            ["Projections:Run"] = "false",
            ["Projections:Only"] = only is null ? null : string.Join(',', only),
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPostgresEventStore(new PostgresEventStoreOptions { ConnectionString = connectionString });
        services.AddOrderLedgerProjections(configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>Waits until every projection is live with nothing left to apply; returns the seconds it took.</summary>
    public async Task<double> WaitUntilCaughtUpAsync(Stopwatch since, TimeSpan timeout)
    {
        while (since.Elapsed < timeout)
        {
            var status = await Admin.GetStatusAsync();
            if (status.Count > 0 && status.All(s => s.State == ProjectionState.Live && s.LagEvents == 0))
            {
                return since.Elapsed.TotalSeconds;
            }

            if (status.FirstOrDefault(s => s.State == ProjectionState.Faulted) is { } faulted)
            {
                throw new InvalidOperationException($"Projection {faulted.Name} faulted: {faulted.LastError?.Message}");
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("Projections did not catch up in time.");
    }

    /// <summary>Starts a blue/green rebuild of every projection and waits until all have switched.</summary>
    public async Task<double> RebuildAllAsync(TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        var names = Admin.Names;
        var generations = new Dictionary<string, int>();
        foreach (var name in names)
        {
            generations[name] = (await Admin.RequestRebuildAsync(name)).Generation;
        }

        while (stopwatch.Elapsed < timeout)
        {
            var done = 0;
            foreach (var name in names)
            {
                var progress = await Admin.GetRebuildProgressAsync(name);
                if (progress is { State: RebuildState.Faulted })
                {
                    throw new InvalidOperationException($"Rebuild of {name} faulted: {progress.Error?.Message}");
                }

                done += progress is { State: RebuildState.Completed } && progress.Generation == generations[name] ? 1 : 0;
            }

            if (done == names.Count)
            {
                return stopwatch.Elapsed.TotalSeconds;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("Rebuild did not finish in time.");
    }

    /// <summary>Rows in every read-model table (the views in schema rm).</summary>
    public async Task<long> CountReadModelRowsAsync()
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var views = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.views WHERE table_schema = 'rm'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                views.Add(reader.GetString(0));
            }
        }

        long rows = 0;
        foreach (var view in views)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM rm.\"{view}\"", connection);
            rows += (long)(await count.ExecuteScalarAsync())!;
        }

        return rows;
    }

    /// <summary>Drops every read model and the runtime's registry (all but the log), so the next projector builds from scratch.</summary>
    public static async Task DropReadModelsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var schemas = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('eventstore', 'public', 'information_schema') AND nspname NOT LIKE 'pg\\_%'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                schemas.Add(reader.GetString(0));
            }
        }

        foreach (var schema in schemas)
        {
            await using var drop = new NpgsqlCommand($"DROP SCHEMA \"{schema}\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }

        await using var baseline = new NpgsqlCommand("DROP TABLE IF EXISTS copy_baseline", connection);
        await baseline.ExecuteNonQueryAsync();
    }

    /// <summary>Rows per second of a binary COPY of <paramref name="rows"/> rows into a table with a primary key and one more index.</summary>
    public async Task<double> CopyBaselineAsync(long rows)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand("""
            DROP TABLE IF EXISTS copy_baseline;
            CREATE TABLE copy_baseline (id text PRIMARY KEY, store_id text NOT NULL, customer_id text NOT NULL, status text NOT NULL,
                                        total numeric NOT NULL, occurred_at timestamptz NOT NULL, summary text NOT NULL);
            CREATE INDEX ON copy_baseline (customer_id, occurred_at DESC);
            """, connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        var stopwatch = Stopwatch.StartNew();
        await using (var writer = await connection.BeginBinaryImportAsync("COPY copy_baseline FROM STDIN (FORMAT BINARY)"))
        {
            var start = new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc);
            for (long i = 0; i < rows; i++)
            {
                await writer.StartRowAsync();
                await writer.WriteAsync($"row-{i:D9}", NpgsqlDbType.Text);
                await writer.WriteAsync($"s{i % 3}", NpgsqlDbType.Text);
                await writer.WriteAsync($"c{i % 100_000:D6}", NpgsqlDbType.Text);
                await writer.WriteAsync("delivered", NpgsqlDbType.Text);
                await writer.WriteAsync(19.90m + i % 100, NpgsqlDbType.Numeric);
                await writer.WriteAsync(start.AddSeconds(i % 2_592_000), NpgsqlDbType.TimestampTz);
                await writer.WriteAsync("Order placed: 2 items, EUR 39.80", NpgsqlDbType.Text);
            }

            await writer.CompleteAsync();
        }

        return rows / stopwatch.Elapsed.TotalSeconds;
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
