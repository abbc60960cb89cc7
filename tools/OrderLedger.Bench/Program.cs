using System.Text.Json;
using Npgsql;
using OrderLedger.Bench;

var (options, error) = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(error);
    return 2;
}

var databaseName = "bench_" + Guid.NewGuid().ToString("N")[..12];
try
{
    await using (var admin = new NpgsqlConnection(options.ServerConnectionString))
    {
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {databaseName}", admin);
        await create.ExecuteNonQueryAsync();
    }
}
catch (Exception ex) when (ex is NpgsqlException or ArgumentException)
{
    Console.Error.WriteLine($"bench: cannot reach PostgreSQL: {ex.Message}");
    return 1;
}

var connectionString = new NpgsqlConnectionStringBuilder(options.ServerConnectionString) { Database = databaseName, MaxPoolSize = 40 }.ConnectionString;
var figures = new List<Figure>();
try
{
    var appends = new AppendBenchmarks(connectionString, options.Quick);
    await appends.PrepareAsync();
    figures.Add(await Repeat("append, single-event (16 writers)", 1));
    figures.Add(await Repeat("append, 100-event batches (16 writers)", 100));

    async Task<Figure> Repeat(string name, int eventsPerAppend)
    {
        var store = new List<double>();
        var baseline = new List<double>();
        for (var i = 0; i < options.Repetitions; i++)
        {
            // Alternate so that neither side always runs on a warmer cache.
            baseline.Add(await appends.BaselineAsync(eventsPerAppend));
            store.Add(await appends.StoreAsync(eventsPerAppend));
            Console.Error.WriteLine($"  {name}: run {i + 1}: store {store[^1]:F0} events/s, baseline {baseline[^1]:F0} events/s");
        }

        return new Figure(name, "events/s", store, baseline, "≥ 70% of baseline", f => f.Ratio >= 0.7);
    }
}
finally
{
    NpgsqlConnection.ClearAllPools();
    await using var admin = new NpgsqlConnection(options.ServerConnectionString);
    await admin.OpenAsync();
    await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {databaseName} WITH (FORCE)", admin);
    await drop.ExecuteNonQueryAsync();
}

if (options.Json)
{
    Console.WriteLine(JsonSerializer.Serialize(figures.Select(f => new
    {
        figure = f.Name, unit = f.Unit, min = f.Values.Min(), median = f.Median, max = f.Values.Max(),
        baselineMin = f.Baseline.Min(), baselineMedian = f.BaselineMedian, baselineMax = f.Baseline.Max(),
        ratio = f.Ratio, target = f.Target, met = f.Met(f),
    }), new JsonSerializerOptions { WriteIndented = true }));
}
else
{
    Console.WriteLine($"{"figure",-42} {"min",10} {"median",10} {"max",10} {"baseline median",16} {"ratio",7}  target");
    foreach (var f in figures)
    {
        Console.WriteLine($"{f.Name,-42} {f.Values.Min(),10:F0} {f.Median,10:F0} {f.Values.Max(),10:F0} {f.BaselineMedian,16:F0} {f.Ratio,6:P0}  {f.Target} {(f.Met(f) ? "met" : "MISSED")}");
    }
}

return 0;
