namespace OrderLedger.Bench;

/// <param name="Only">null: every figure; otherwise one section: append, bulk (batched appends beside Marten), catch-up, lag (after one build of everything), dashboard, notary, refunds (bulk approval), connectors (one connector's notifications/s), peak (the Double-11 hour through the HTTP API) or rebuild (one single-stream projection rebuilt beside Marten).</param>
/// <param name="PeakSeconds">The peak's sustained phase (<c>--peak-seconds</c>; null: 600, 10 with <c>--quick</c>).</param>
/// <param name="PeakConversations">Conversations waiting in the busy store's queue before it (<c>--peak-conversations</c>; null: 100,000, 2,000 with <c>--quick</c>).</param>
/// <param name="PeakSeedInBatches"><c>--peak-seed batches</c>: the peak's seed decided and appended in batches instead of sent through the HTTP API (<c>http</c>, the default).</param>
/// <param name="PeakClients">Closed-loop HTTP clients of the peak (<c>--peak-clients</c>, default 64).</param>
/// <param name="Dataset">Keep the 1M-event dataset in this database (created and written when missing, reused otherwise, never dropped).</param>
/// <param name="CatchUpSet">Only the core read models, or only all projections together.</param>
/// <param name="RebuildMetrics">With <c>--only dashboard</c>: also time blue/green rebuilds of the two metric projections.</param>
/// <param name="EventStoreDb">
/// <c>--store eventstoredb</c>: only the EventStoreDB client figures, against this server (<c>ORDERLEDGER_BENCH_ESDB</c>),
/// each beside the official Node client run by <see cref="OfficialClient"/> (<c>ORDERLEDGER_BENCH_OFFICIAL_CLIENT</c>).
/// </param>
public sealed record BenchOptions(
    string ServerConnectionString, bool Quick, bool Json, int Repetitions, int HotSkuRepetitions,
    string? Only = null, string? Dataset = null, string? CatchUpSet = null, bool RebuildMetrics = false,
    string? EventStoreDb = null, string? OfficialClient = null, int? PeakSeconds = null, int? PeakConversations = null, int PeakClients = 64, bool PeakSeedInBatches = false)
{
    public const string Usage = "usage: bench [--quick] [--json] [--repetitions N] [--hot-sku-repetitions N] [--only append|bulk|catch-up|lag|dashboard|notary|refunds|connectors|peak|rebuild]"
        + " [--dataset NAME] [--catch-up-set core|all] [--rebuild-metrics] [--peak-seconds N] [--peak-conversations N] [--peak-clients N] [--peak-seed http|batches]"
        + " [--store postgres|eventstoredb] [--connection <admin connection string>]";

    /// <summary>Whether the section <paramref name="name"/> runs (all do unless <c>--only</c> picked one).</summary>
    public bool Runs(string name) => Only is null || Only == name;

    /// <summary><c>--only lag</c>: one build of every projection (the live figures need them all), then the live figures.</summary>
    public bool LagOnly => Only == "lag";

    /// <summary>Parses the command line; returns an error message instead of options for bad input.</summary>
    public static (BenchOptions? Options, string? Error) Parse(string[] args)
    {
        var quick = false;
        var json = false;
        var repetitions = 3;
        var hotSkuRepetitions = 3;
        string? only = null;
        string? dataset = null;
        string? catchUpSet = null;
        var rebuildMetrics = false;
        var store = "postgres";
        int? peakSeconds = null;
        int? peakConversations = null;
        var peakClients = 64;
        var peakSeedInBatches = false;
        string? connection = Environment.GetEnvironmentVariable("ORDERLEDGER_BENCH_PG");
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
                case "--only" when i + 1 < args.Length && args[i + 1] is "append" or "bulk" or "catch-up" or "lag" or "dashboard" or "notary" or "refunds" or "connectors" or "peak" or "rebuild":
                    only = args[++i];
                    break;
                case "--catch-up-set" when i + 1 < args.Length && args[i + 1] is "core" or "all":
                    catchUpSet = args[++i];
                    break;
                case "--dataset" when i + 1 < args.Length && IsDatabaseName(args[i + 1]):
                    dataset = args[++i];
                    break;
                case "--store" when i + 1 < args.Length && args[i + 1] is "postgres" or "eventstoredb":
                    store = args[++i];
                    break;
                case "--peak-seconds" when i + 1 < args.Length && int.TryParse(args[i + 1], out var seconds) && seconds is >= 1 and <= 3_600:
                    peakSeconds = seconds;
                    i++;
                    break;
                case "--peak-conversations" when i + 1 < args.Length && int.TryParse(args[i + 1], out var conversations) && conversations is >= 20 and <= 1_000_000:
                    peakConversations = conversations;
                    i++;
                    break;
                case "--peak-clients" when i + 1 < args.Length && int.TryParse(args[i + 1], out var clients) && clients is >= 1 and <= 1_024:
                    peakClients = clients;
                    i++;
                    break;
                case "--peak-seed" when i + 1 < args.Length && args[i + 1] is "http" or "batches":
                    peakSeedInBatches = args[++i] == "batches";
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

        if (store == "eventstoredb")
        {
            var esdb = Environment.GetEnvironmentVariable("ORDERLEDGER_BENCH_ESDB");
            var official = Environment.GetEnvironmentVariable("ORDERLEDGER_BENCH_OFFICIAL_CLIENT");
            return string.IsNullOrWhiteSpace(esdb) || string.IsNullOrWhiteSpace(official)
                ? (null, "bench: --store eventstoredb needs ORDERLEDGER_BENCH_ESDB and ORDERLEDGER_BENCH_OFFICIAL_CLIENT (tools/bench.sh --store eventstoredb sets both).")
                : (new BenchOptions(connection ?? "", quick, json, quick ? 1 : repetitions, hotSkuRepetitions, EventStoreDb: esdb, OfficialClient: official), null);
        }

        if (string.IsNullOrWhiteSpace(connection))
        {
            return (null, "bench: no database: pass --connection or set ORDERLEDGER_BENCH_PG (tools/bench.sh sets it).");
        }

        if (rebuildMetrics && only != "dashboard")
        {
            return (null, $"bench: --rebuild-metrics needs --only dashboard. {Usage}");
        }

        return (new BenchOptions(
            connection, quick, json, quick ? 1 : repetitions, hotSkuRepetitions, only, dataset, catchUpSet, rebuildMetrics,
            PeakSeconds: peakSeconds, PeakConversations: peakConversations, PeakClients: peakClients, PeakSeedInBatches: peakSeedInBatches), null);
    }

    private static bool IsDatabaseName(string name) =>
        name.Length is > 0 and <= 40 && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_') && name[0] is >= 'a' and <= 'z';
}
