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
    /// <summary>The core read models of brief §4: the issue's figure is about these.</summary>
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
        await WaitAsync(since, timeout, null);

        // On a kept dataset every checkpoint may stand at the head before the new projector has claimed its
        // projections (stopped until it has) and started the rebuild of one whose version changed: wait for both.
        var claiming = Stopwatch.StartNew();
        while (true)
        {
            var status = await Admin.GetStatusAsync();
            var behind = status.FirstOrDefault(s => s.State != ProjectionState.Live || s.LagEvents != 0);
            if (behind is null)
            {
                return since.Elapsed.TotalSeconds;
            }

            if (behind.State == ProjectionState.Faulted || since.Elapsed > timeout
                || (behind.State == ProjectionState.Stopped && claiming.Elapsed > TimeSpan.FromSeconds(30)))
            {
                throw new InvalidOperationException($"Projection {behind.Name} is {behind.State} with lag {behind.LagEvents} although its checkpoint reached the head.");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Starts a blue/green rebuild of every projection (or of <paramref name="only"/>) and waits until all have switched.</summary>
    public async Task<double> RebuildAllAsync(TimeSpan timeout, IReadOnlyCollection<string>? only = null)
    {
        var stopwatch = Stopwatch.StartNew();
        var generations = new Dictionary<string, int>();
        foreach (var name in only ?? Admin.Names)
        {
            generations[name] = (await Admin.RequestRebuildAsync(name)).Generation;
        }

        await WaitAsync(stopwatch, timeout, generations);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        foreach (var (name, generation) in generations)
        {
            if (await Admin.GetRebuildProgressAsync(name) is not { State: RebuildState.Completed } progress || progress.Generation != generation)
            {
                throw new InvalidOperationException($"Rebuild of {name} g{generation} did not complete.");
            }
        }

        return seconds;
    }

    /// <summary>
    /// Polls the registry every 100 ms until every projection's live generation (at least the one asked for) stands at
    /// the head in phase live with no build running. One cheap query: the status API counts the events left per
    /// projection, which is exact and therefore slow to poll this often while a million events are outstanding.
    /// </summary>
    private async Task WaitAsync(Stopwatch since, TimeSpan timeout, IReadOnlyDictionary<string, int>? generations)
    {
        var names = Admin.Names.ToArray();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        while (since.Elapsed < timeout)
        {
            await using (var command = new NpgsqlCommand("""
                SELECT g.name, g.generation, g.role, g.phase, g.last_error,
                       g.role = 'live' AND g.phase = 'live' AND (g.checkpoint_commit, g.checkpoint_prepare) = (h.tx_id, h.seq) AS at_head
                FROM projections.generations g
                CROSS JOIN (SELECT tx_id, seq FROM eventstore.events ORDER BY tx_id DESC, seq DESC LIMIT 1) h
                WHERE g.role IN ('live', 'building') AND g.name = ANY($1)
                """, connection))
            {
                command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = names });
                var done = new HashSet<string>(StringComparer.Ordinal);
                var anyBuilding = false;
                try
                {
                    await using var reader = await command.ExecuteReaderAsync();
                    while (await reader.ReadAsync())
                    {
                        var (name, generation, role, phase) = (reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3));
                        if (phase == "faulted")
                        {
                            throw new InvalidOperationException($"Projection {name} g{generation} faulted: {(reader.IsDBNull(4) ? "" : reader.GetValue(4))}");
                        }

                        anyBuilding |= role == "building";
                        if (reader.GetBoolean(5) && (generations is null || !generations.TryGetValue(name, out var asked) || generation >= asked))
                        {
                            done.Add(name);
                        }
                    }
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
                {
                    // The projector has not created its registry yet.
                }

                if (!anyBuilding && done.Count == names.Length)
                {
                    return;
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("Projections did not catch up in time.");
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
