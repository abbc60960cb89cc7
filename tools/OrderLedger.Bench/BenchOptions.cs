namespace OrderLedger.Bench;

/// <param name="Only">null: every figure; "dashboard": only the dataset, its first build and the dashboard figure.</param>
/// <param name="Database">
/// With <c>--only dashboard</c>: keep the dataset in this database (created and written when missing, reused as it is
/// otherwise, never dropped), so the dashboard can be measured and profiled again without rebuilding the dataset.
/// </param>
/// <param name="RebuildMetrics">With <c>--only dashboard</c>: also time blue/green rebuilds of the two metric projections.</param>
public sealed record BenchOptions(
    string ServerConnectionString, bool Quick, bool Json, int Repetitions, int HotSkuRepetitions,
    string? Only = null, string? Database = null, bool RebuildMetrics = false)
{
    public const string Usage = "usage: bench [--quick] [--json] [--repetitions N] [--hot-sku-repetitions N] [--connection <admin connection string>]"
        + " [--only dashboard [--database NAME] [--rebuild-metrics]]";

    /// <summary>Parses the command line; returns an error message instead of options for bad input.</summary>
    public static (BenchOptions? Options, string? Error) Parse(string[] args)
    {
        var quick = false;
        var json = false;
        var repetitions = 3;
        var hotSkuRepetitions = 1;
        string? connection = Environment.GetEnvironmentVariable("ORDERLEDGER_BENCH_PG");
        string? only = null;
        string? database = null;
        var rebuildMetrics = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--json":
                    json = true;
                    break;
                case "--repetitions" when i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n is >= 1 and <= 20:
                    repetitions = n;
                    i++;
                    break;
                case "--hot-sku-repetitions" when i + 1 < args.Length && int.TryParse(args[i + 1], out var h) && h is >= 1 and <= 20:
                    hotSkuRepetitions = h;
                    i++;
                    break;
                case "--only" when i + 1 < args.Length && args[i + 1] == "dashboard":
                    only = args[++i];
                    break;
                case "--database" when i + 1 < args.Length && IsDatabaseName(args[i + 1]):
                    database = args[++i];
                    break;
                case "--rebuild-metrics":
                    rebuildMetrics = true;
                    break;
                case "--connection" when i + 1 < args.Length:
                    connection = args[++i];
                    break;
                default:
                    return (null, $"bench: unknown or incomplete option '{args[i]}'. {Usage}");
            }
        }

        if (string.IsNullOrWhiteSpace(connection))
        {
            return (null, "bench: no database: pass --connection or set ORDERLEDGER_BENCH_PG (tools/bench.sh sets it).");
        }

        if (only is null && (database is not null || rebuildMetrics))
        {
            return (null, $"bench: --database and --rebuild-metrics need --only dashboard. {Usage}");
        }

        return (new BenchOptions(connection, quick, json, quick ? 1 : repetitions, hotSkuRepetitions, only, database, rebuildMetrics), null);
    }

    private static bool IsDatabaseName(string name) =>
        name.Length is > 0 and <= 63 && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_') && name[0] is >= 'a' and <= 'z';
}
