using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using OrderLedger.Bench;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var (options, error) = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(error);
    return 2;
}

var sizes = options.Quick
    ? new { Events = 20_000, Customers = 2_000, LagSeconds = 5, Timeline = 100, Dashboard = 30, HotStock = 300 }
    : new { Events = 1_000_000, Customers = 100_000, LagSeconds = 60, Timeline = 1_000, Dashboard = 300, HotStock = 10_000 };
var figures = new List<Figure>();
var total = Stopwatch.StartNew();

try
{
    if (options.EventStoreDb is { } esdb)
    {
        figures.AddRange(await EventStoreDbFiguresAsync(new EventStoreDbBenchmark(esdb, options.OfficialClient!, options.Quick)));
    }

    if (options.EventStoreDb is null && options.Only == "dashboard")
    {
        figures.AddRange(await DashboardOnly.RunAsync(options, sizes.Customers, sizes.Events, sizes.Dashboard));
    }

    if (options.EventStoreDb is null && options.Runs("append"))
    {
        await using var database = await BenchDatabase.CreateAsync(options.ServerConnectionString);
        var appends = new AppendBenchmarks(database.ConnectionString, options.Quick);
        await appends.PrepareAsync();
        foreach (var (name, size) in new[] { ("append, single-event (16 writers)", 1), ("append, 100-event batches (16 writers)", 100) })
        {
            var store = new List<double>();
            var baseline = new List<double>();
            for (var i = 0; i < options.Repetitions; i++)
            {
                // Alternate so that neither side always runs on a warmer cache.
                baseline.Add(await appends.BaselineAsync(size));
                store.Add(await appends.StoreAsync(size));
                Log($"{name}: run {i + 1}: store {store[^1]:F0} events/s, raw INSERT {baseline[^1]:F0} events/s");
            }

            figures.Add(new Figure(name, "events/s", store, "≥ 70% of raw INSERT", f => f.Ratio >= 0.7) { Baseline = baseline, BaselineName = "raw INSERT" });
        }
    }

    if (options.EventStoreDb is null && options.Runs("bulk"))
    {
        figures.AddRange(await BulkFiguresAsync());
    }

    if (options.EventStoreDb is null && options.Runs("rebuild"))
    {
        figures.AddRange(await RebuildBesideMartenFiguresAsync());
    }

    if (options.EventStoreDb is null && options.Runs("notary"))
    {
        figures.AddRange(await NotaryFiguresAsync());
    }

    if (options.EventStoreDb is null && options.Runs("refunds"))
    {
        figures.AddRange(await RefundApprovalFiguresAsync(options.Quick ? 100 : 1_000));
    }

    if (options.EventStoreDb is null && options.Runs("connectors"))
    {
        figures.AddRange(await ConnectorFiguresAsync(options.Quick ? 200 : 2_000));
    }

    if (options.EventStoreDb is null && options.Runs("peak"))
    {
        figures.AddRange(await PeakFiguresAsync(options.PeakConversations ?? (options.Quick ? 500 : 100_000), options.PeakSeconds ?? (options.Quick ? 10 : 600)));
    }

    if (options.EventStoreDb is null && (options.Runs("catch-up") || options.LagOnly))
    {
        await using var database = options.Dataset is { } kept
            ? await BenchDatabase.OpenOrCreateKeptAsync(options.ServerConnectionString, kept)
            : await BenchDatabase.CreateAsync(options.ServerConnectionString);
        var dataset = new LedgerDataset(sizes.Customers, sizes.Events);
        var eventsInLog = await dataset.WriteUnlessPresentAsync(database.ConnectionString, Log);

        // Each set starts from nothing: the headline (the issue's "all core read models") first, then everything the
        // projector runs. The projector of the last set stays up for the live figures below.
        await CatchUpBenchmark.DropReadModelsAsync(database.ConnectionString);
        ProjectorProcess? projector = null;
        CatchUpBenchmark? catchUp = null;
        try
        {
            var sets = new (string Set, string Label, IReadOnlyList<string>? Only)[] { ("core", "core read models", CatchUpBenchmark.CoreReadModels), ("all", "projections", null) };
            var catchUpSet = options.LagOnly ? "all" : options.CatchUpSet;
            foreach (var (_, label, only) in sets.Where(s => catchUpSet is null || s.Set == catchUpSet))
            {
                if (projector is not null)
                {
                    await projector.DisposeAsync();
                    await catchUp!.DisposeAsync();
                    await CatchUpBenchmark.DropReadModelsAsync(database.ConnectionString);
                }

                catchUp = new CatchUpBenchmark(database.ConnectionString, only);
                // No reactors: the dataset's history has timers due (surveys for its resolved conversations), and what
                // they append would move the head on after the build reached it — the figure is the build of this log.
                projector = ProjectorProcess.Start(database.ConnectionString, only, reactors: false);
                var count = catchUp.Admin.Names.Count;
                var eventsPerSecond = new List<double>();
                var rowsPerSecond = new List<double>();
                var first = Stopwatch.StartNew();
                var (seconds, shares) = await WithCpuAsync(
                    database.ConnectionString, projector, () => catchUp.WaitUntilCaughtUpAsync(first, TimeSpan.FromMinutes(30)));
                var rows = await catchUp.CountReadModelRowsAsync();
                Log($"catch-up, {count} {label}: first build: {seconds:F1} s, {eventsInLog / seconds:F0} events/s, {rows:N0} rows, {rows / seconds:F0} rows/s");
                Log($"  CPU, cores: {shares}");
                eventsPerSecond.Add(eventsInLog / seconds);
                rowsPerSecond.Add(rows / seconds);
                for (var i = 1; i < (options.LagOnly ? 1 : options.Repetitions); i++)
                {
                    (seconds, shares) = await WithCpuAsync(database.ConnectionString, projector, () => catchUp.RebuildAllAsync(TimeSpan.FromMinutes(30)));
                    Log($"catch-up, {count} {label}: blue/green rebuild of all: {seconds:F1} s, {eventsInLog / seconds:F0} events/s, {rows / seconds:F0} rows/s");
                    Log($"  CPU, cores: {shares}");
                    eventsPerSecond.Add(eventsInLog / seconds);
                    rowsPerSecond.Add(rows / seconds);
                }

                Log($"catch-up, {count} {label}: projector peak RSS so far {projector.PeakRssMegabytes():F0} MB");
                var copy = new List<double>();
                for (var i = 0; i < (options.LagOnly ? 1 : options.Repetitions); i++)
                {
                    copy.Add(await catchUp.CopyBaselineAsync(rows));
                    Log($"COPY baseline ({rows:N0} rows): {copy[^1]:F0} rows/s");
                }

                figures.Add(new Figure($"catch-up, {count} {label}, events/s", "events/s", eventsPerSecond, "≥ 30,000 events/s", f => f.Median >= 30_000));
                figures.Add(new Figure($"catch-up, {count} {label}, rows written/s", "rows/s", rowsPerSecond, "≥ 40% of COPY", f => f.Ratio >= 0.4) { Baseline = copy, BaselineName = "COPY" });
            }

            if ((options.Only is null && options.CatchUpSet is null) || options.LagOnly)
            {
                await LiveAndQueryFiguresAsync(database.ConnectionString, catchUp!, projector!, dataset);
            }
        }
        finally
        {
            if (projector is not null)
            {
                await projector.DisposeAsync();
            }

            if (catchUp is not null)
            {
                await catchUp.DisposeAsync();
            }
        }
    }
}
catch (Exception ex) when (ex is NpgsqlException or ArgumentException or TimeoutException)
{
    Console.Error.WriteLine($"bench: PostgreSQL failed after {total.Elapsed.TotalSeconds:F0} s: {ex.Message}");
    return 1;
}
catch (Exception ex) when (ex is OrderLedger.EventStore.EventStoreException or InvalidOperationException && options.EventStoreDb is not null)
{
    Console.Error.WriteLine($"bench: EventStoreDB failed after {total.Elapsed.TotalSeconds:F0} s: {ex.Message}");
    return 1;
}

Log($"total {total.Elapsed.TotalSeconds:F0} s");
if (options.Json)
{
    Console.WriteLine(JsonSerializer.Serialize(figures.Select(f => new
    {
        figure = f.Name, unit = f.Unit, min = f.Min, median = f.Median, max = f.Max, runs = f.Values.Count,
        baseline = f.BaselineName, baselineMedian = f.Baseline.Count > 0 ? f.BaselineMedian : (double?)null,
        ratio = f.Baseline.Count > 0 ? f.Ratio : (double?)null, target = f.Target, met = f.Met(f),
        peers = f.Peers.Select(p => new { name = p.Name, median = Figure.MedianOf(p.Values), ratio = f.RatioTo(p.Values) }),
    }), new JsonSerializerOptions { WriteIndented = true }));
}
else
{
    Console.WriteLine($"{"figure",-52} {"min",10} {"median",10} {"max",10} {"unit",-9} {"baseline",18} {"ratio",6}  target");
    foreach (var f in figures)
    {
        var baseline = f.Baseline.Count > 0 ? $"{f.BaselineName} {f.BaselineMedian:F0}" : "";
        var ratio = f.Baseline.Count > 0 ? $"{f.Ratio:P0}" : "";
        var peers = string.Concat(f.Peers.Select(p => $"; {f.RatioTo(p.Values):F2}× {p.Name}"));
        Console.WriteLine($"{f.Name,-52} {f.Min,10:F1} {f.Median,10:F1} {f.Max,10:F1} {f.Unit,-9} {baseline,18} {ratio,6}  {f.Target}: {(f.Met(f) ? "met" : "MISSED")}{peers}");
    }
}

return 0;

async Task LiveAndQueryFiguresAsync(string connectionString, CatchUpBenchmark catchUp, ProjectorProcess projector, LedgerDataset dataset)
{
    var lags = new List<double>();
    for (var i = 0; i < options.Repetitions; i++)
    {
        var lag = await new LagBenchmark(connectionString, catchUp.Store).RunAsync(1_000, TimeSpan.FromSeconds(sizes.LagSeconds));
        Log($"end-to-end lag at 1,000 events/s for {sizes.LagSeconds} s: p50 {lag.P50:F1} ms, p99 {lag.P99:F1} ms, max {lag.Max:F1} ms over {lag.Events:N0} events");
        lags.Add(lag.P99);
    }

    figures.Add(new Figure("end-to-end lag p99 (1,000 events/s)", "ms", lags, "p99 < 200 ms", f => f.Median < 200));
    var peak = projector.PeakRssMegabytes();
    Log($"projector peak RSS so far: {peak:F0} MB");
    figures.Add(new Figure("projector peak RSS (build, rebuilds, live)", "MB", [peak], "< 400 MB", f => f.Max < 400));
    if (options.LagOnly)
    {
        return;
    }

    var queries = new QueryBenchmarks(connectionString, dataset.CustomerIds, LedgerDataset.StoreIds);
    var firstPages = new List<double>();
    var deepPages = new List<double>();
    var dashboards = new List<double>();
    for (var i = 0; i < options.Repetitions; i++)
    {
        var (firstPage, deepPage, deepest) = await queries.TimelineAsync(sizes.Timeline, dataset.RegularCustomerIds);
        var dashboard = await queries.DashboardAsync(sizes.Dashboard, new DateTimeOffset(2026, 10, 31, 12, 0, 0, TimeSpan.Zero));
        Log($"queries: timeline first page p99 {firstPage:F2} ms, pages 10+ p99 {deepPage:F2} ms (deepest page {deepest}), dashboard p99 {dashboard:F2} ms");
        firstPages.Add(firstPage);
        deepPages.Add(deepPage);
        dashboards.Add(dashboard);
    }

    figures.Add(new Figure("timeline query, first page p99", "ms", firstPages, "p99 < 10 ms", f => f.Median < 10));
    figures.Add(new Figure("timeline query, deep pages (10th and later) p99", "ms", deepPages, "p99 < 10 ms", f => f.Median < 10));
    figures.Add(new Figure("dashboard query (today + 30 days) p99", "ms", dashboards, "p99 < 25 ms", f => f.Median < 25));

    var hot = new List<double>();
    var oversold = 0;
    for (var i = 0; i < Math.Min(options.Repetitions, options.HotSkuRepetitions); i++)
    {
        var result = await new HotSkuBenchmark(connectionString).RunAsync(sizes.HotStock);
        Log($"hot SKU: {result.ReservationsPerSecond:F0} reservations/s; reserved {result.ReservedInLog} of {sizes.HotStock}, accepted {result.AcceptedQuantity}");
        hot.Add(result.ReservationsPerSecond);
        oversold += Math.Max(0, result.ReservedInLog - sizes.HotStock) + Math.Abs(result.ReservedInLog - result.AcceptedQuantity);
    }

    figures.Add(new Figure($"hot SKU, 64 clients, reservations/s (oversold: {oversold})", "orders/s", hot, "zero oversell", _ => oversold == 0));
}

// Batched appends (issue #20) beside Marten's quick append and raw 100-row INSERTs, all on one database of this run.
async Task<List<Figure>> BulkFiguresAsync()
{
    await using var database = await BenchDatabase.CreateAsync(options.ServerConnectionString);
    var appends = new AppendBenchmarks(database.ConnectionString, options.Quick);
    await appends.PrepareAsync();
    await using var marten = new MartenAppendBenchmarks(database.ConnectionString, appends);
    await marten.PrepareAsync();
    var perBatch = $"{AppendBenchmarks.BulkStreams} streams × {AppendBenchmarks.BulkEventsPerStream} events";
    var workloads = new (string Name, Func<Task<double>> Measure)[]
    {
        ("bulk: Marten quick append, single-event (16 writers)", () => marten.QuickAppendAsync(1)),
        ("bulk: Marten quick append, 100-event batches (16 writers)", () => marten.QuickAppendAsync(100)),
        ("bulk: OrderLedger single append (16 writers)", () => appends.StoreAsync(1)),
        ($"bulk: OrderLedger bulk append, {perBatch} a batch (16 writers)", appends.BulkAsync),
        ("bulk: raw 100-row INSERT batches (16 writers)", () => appends.BaselineAsync(100)),
        ("bulk: OrderLedger single append, group commit (16 writers)", () => appends.StoreAsync(1, groupCommit: true)),
    };
    var values = workloads.Select(_ => new List<double>()).ToArray();
    for (var i = 0; i < options.Repetitions; i++)
    {
        // Each repetition in the other order, so that no workload always meets the warmest (or fullest) tables.
        foreach (var w in i % 2 == 0 ? Enumerable.Range(0, workloads.Length) : Enumerable.Range(0, workloads.Length).Reverse())
        {
            values[w].Add(await workloads[w].Measure());
            Log($"{workloads[w].Name}: run {i + 1}: {values[w][^1]:F0} events/s");
        }
    }

    var (martenSingle, martenBatches, raw) = (values[0], values[1], values[4]);
    IReadOnlyList<(string, IReadOnlyList<double>)> peers = [("Marten quick append", martenSingle), ("Marten 100-event batches", martenBatches)];
    Figure Compared(int w, string target, Func<Figure, bool> met) =>
        new(workloads[w].Name, "events/s", values[w], target, met) { Baseline = raw, BaselineName = "raw 100-row INSERT", Peers = peers };
    return
    [
        Compared(0, "peer", _ => true),
        Compared(1, "peer", _ => true),
        Compared(2, "≥ Marten quick append", f => f.RatioTo(martenSingle) >= 1),
        Compared(3, "≥ 3× Marten quick append and ≥ 80% of raw 100-row INSERT", f => f.RatioTo(martenSingle) >= 3 && f.Ratio >= 0.8),
        Compared(4, "baseline", _ => true),
        Compared(5, "≥ 2× OrderLedger single append", f => f.RatioTo(values[2]) >= 2) with { Peers = [.. peers, ("OrderLedger single append", values[2])] },
    ];
}

// One single-stream projection (the parcels) rebuilt from the same log by OrderLedger and by Marten, on one database.
async Task<List<Figure>> RebuildBesideMartenFiguresAsync()
{
    // Marten writes "Warning: The async daemon is disabled" to standard output, which holds only the figures (--json).
    var figuresOut = Console.Out;
    Console.SetOut(Console.Error);
    try
    {
        return await MeasureRebuildBesideMartenAsync();
    }
    finally
    {
        Console.SetOut(figuresOut);
    }
}

async Task<List<Figure>> MeasureRebuildBesideMartenAsync()
{
    await using var database = await BenchDatabase.CreateAsync(options.ServerConnectionString);
    var eventsInLog = await new LedgerDataset(options.Quick ? 1_000 : 20_000, options.Quick ? 10_000 : 300_000).WriteUnlessPresentAsync(database.ConnectionString, Log);
    await using var marten = new MartenRebuildBenchmark(database.ConnectionString);
    await using (var source = await OrderLedger.EventStore.Postgres.PostgresEventStore.OpenAsync(new() { ConnectionString = database.ConnectionString }))
    {
        await marten.CopyLogAsync(source, new OrderLedger.EventStore.Serialization.EventCodec(OrderLedger.Domain.DomainEventTypes.CreateRegistry()));
    }

    Log($"rebuild beside Marten: the same {marten.EventsCopied:N0} events appended to Marten");
    string[] only = ["shipments"];
    await using var catchUp = new CatchUpBenchmark(database.ConnectionString, only);
    await using var projector = ProjectorProcess.Start(database.ConnectionString, only, reactors: false);
    await catchUp.WaitUntilCaughtUpAsync(Stopwatch.StartNew(), TimeSpan.FromMinutes(30));
    var rows = await catchUp.CountReadModelRowsAsync();
    // Marten's first rebuild, like OrderLedger's first build, is not timed: it establishes the high-water mark and warms up.
    var (warmUp, _) = await marten.RebuildAsync();
    Log($"rebuild beside Marten: OrderLedger's first build done, Marten's first rebuild (not timed) {warmUp:F1} s");
    var ours = new List<double>();
    var theirs = new List<double>();
    for (var i = 0; i < options.Repetitions; i++)
    {
        // Each repetition in the other order, so that neither always reads the log from a warmer cache.
        foreach (var isMarten in i % 2 == 0 ? new[] { false, true } : [true, false])
        {
            if (isMarten)
            {
                var (seconds, documents) = await marten.RebuildAsync();
                if (documents != rows)
                {
                    throw new InvalidOperationException($"Marten's rebuild holds {documents} parcels, OrderLedger's {rows}.");
                }

                theirs.Add(documents / seconds);
                Log($"rebuild beside Marten: run {i + 1}: Marten {seconds:F1} s, {documents / seconds:F0} documents/s, {eventsInLog / seconds:F0} events/s");
            }
            else
            {
                var seconds = await catchUp.RebuildAllAsync(TimeSpan.FromMinutes(30));
                ours.Add(rows / seconds);
                Log($"rebuild beside Marten: run {i + 1}: OrderLedger {seconds:F1} s, {rows / seconds:F0} rows/s, {eventsInLog / seconds:F0} events/s");
            }
        }
    }

    var log = $"{eventsInLog:N0}-event log, {rows:N0} parcels";
    IReadOnlyList<(string, IReadOnlyList<double>)> peers = [("Marten 9.58 rebuild", theirs)];
    return
    [
        new Figure($"rebuild beside Marten: Marten 9.58 single-stream projection rebuild ({log}), documents/s", "rows/s", theirs, "peer", _ => true),
        new Figure($"rebuild beside Marten: OrderLedger blue/green rebuild of shipments ({log}), rows/s", "rows/s", ours, "≥ Marten", f => f.RatioTo(theirs) >= 1) { Peers = peers },
    ];
}

async Task<List<Figure>> NotaryFiguresAsync()
{
    var with = new List<double>();
    var without = new List<double>();
    Latencies lag;
    await using (var database = await BenchDatabase.CreateAsync(options.ServerConnectionString))
    {
        var appends = new AppendBenchmarks(database.ConnectionString, options.Quick);
        await appends.PrepareAsync();
        await using var notary = new NotaryBenchmark(database.ConnectionString, Log);
        for (var i = 0; i < options.Repetitions; i++)
        {
            without.Add(await appends.StoreAsync(1));
            with.Add(await notary.AppendWithNotaryAsync(appends, 1));
            Log($"append with the notary following: run {i + 1}: {with[^1]:F0} events/s, without {without[^1]:F0} events/s");
        }

        lag = await notary.LagAsync(appends, TimeSpan.FromSeconds(sizes.LagSeconds));
        Log($"notary lag behind 16 writers for {sizes.LagSeconds} s: p50 {lag.Percentile(50):F0} ms, p99 {lag.Percentile(99):F0} ms over {lag.Count} probes");
    }

    // The audit verbs need a log that verifies: the hash-chained dataset, in a database of its own.
    await using var audited = options.Dataset is { } kept
        ? await BenchDatabase.OpenOrCreateKeptAsync(options.ServerConnectionString, kept)
        : await BenchDatabase.CreateAsync(options.ServerConnectionString);
    var inLog = await new LedgerDataset(sizes.Customers, sizes.Events).WriteUnlessPresentAsync(audited.ConnectionString, Log);
    await using var auditing = new NotaryBenchmark(audited.ConnectionString, Log);
    var costs = await auditing.AuditAsync(inLog);
    var n = $"{costs.Events:N0} events";
    return
    [
        new Figure("append with the notary following, single-event (16 writers)", "events/s", with, "≥ 95% of appends without it", f => f.Ratio >= 0.95) { Baseline = without, BaselineName = "no notary" },
        new Figure("notary lag behind 16 writers p99", "ms", [lag.Percentile(99)], "p99 < 1,000 ms", f => f.Median < 1_000),
        new Figure($"notary first pass ({n})", "events/s", [costs.NotaryEventsPerSecond], "≥ 10,000 events/s", f => f.Median >= 10_000),
        new Figure($"verify --all ({n})", "events/s", [costs.VerifyAllEventsPerSecond], "≥ 5,000 events/s", f => f.Median >= 5_000),
        new Figure($"verify --checkpoint ({n})", "events/s", [costs.VerifyCheckpointEventsPerSecond], "≥ 5,000 events/s", f => f.Median >= 5_000),
        new Figure($"inclusion proof size ({n}, {costs.ProofHashes} hashes)", "bytes", [costs.ProofBytes], "≤ 4 kB", f => f.Max <= 4_096),
        new Figure($"inclusion proof build ({n})", "ms", [costs.ProofBuildMilliseconds], "< 5,000 ms", f => f.Max < 5_000),
        new Figure($"inclusion proof offline check ({n})", "ms", [costs.ProofCheckMilliseconds], "< 5 ms", f => f.Max < 5),
    ];
}

async Task<List<Figure>> RefundApprovalFiguresAsync(int refunds)
{
    await using var database = await BenchDatabase.CreateAsync(options.ServerConnectionString);
    await using var bench = await RefundApprovalBenchmark.StartAsync(database.ConnectionString);
    // One warm-up of each path (JIT, pools, the API's first requests) that no figure counts.
    await bench.BulkAsync(await bench.PendingRefundsAsync(10));
    await bench.OneByOneAsync(await bench.PendingRefundsAsync(10));
    var bulk = new List<double>();
    var single = new List<double>();
    for (var i = 0; i < options.Repetitions; i++)
    {
        var (forBulk, forSingles) = (await bench.PendingRefundsAsync(refunds), await bench.PendingRefundsAsync(refunds));
        // Alternate which path goes first, so neither always meets a warmer server.
        if (i % 2 == 0)
        {
            bulk.Add(await bench.BulkAsync(forBulk));
            single.Add(await bench.OneByOneAsync(forSingles));
        }
        else
        {
            single.Add(await bench.OneByOneAsync(forSingles));
            bulk.Add(await bench.BulkAsync(forBulk));
        }

        Log($"refund approval, {refunds:N0} refunds: run {i + 1}: one bulk request {bulk[^1]:F0} ms ({bulk[^1] / refunds:F2} ms/refund), one request each {single[^1]:F0} ms ({single[^1] / refunds:F2} ms/refund)");
    }

    var perRefund = (List<double> values) => values.Select(v => v / refunds).ToList();
    return
    [
        new Figure($"bulk approval, {refunds:N0} refunds in one request", "ms", bulk, "< 10,000 ms (seconds)", f => f.Median < 10_000)
            { Baseline = single, BaselineName = "1 request each" },
        new Figure($"bulk approval, {refunds:N0} refunds, per refund", "ms/refund", perRefund(bulk), "≤ one request each", f => f.Ratio <= 1)
            { Baseline = perRefund(single), BaselineName = "1 request each" },
    ];
}

async Task<List<Figure>> ConnectorFiguresAsync(int notifications)
{
    await using var database = await BenchDatabase.CreateAsync(options.ServerConnectionString);
    await using var bench = await ConnectorBenchmark.StartAsync(database.ConnectionString);
    // One warm-up of each path (JIT, pools, the worker's first pass) that no figure counts.
    await bench.NotificationsAsync(20);
    await bench.CommandsAsync(20);
    var received = new List<double>();
    var handled = new List<double>();
    var commands = new List<double>();
    var perSecond = (double ms) => notifications / (ms / 1000);
    for (var i = 0; i < options.Repetitions; i++)
    {
        // Alternate which path goes first, so neither always meets a warmer server.
        if (i % 2 == 1)
        {
            commands.Add(perSecond(await bench.CommandsAsync(notifications)));
        }

        var (receivedMs, handledMs) = await bench.NotificationsAsync(notifications);
        received.Add(perSecond(receivedMs));
        handled.Add(perSecond(handledMs));
        if (i % 2 == 0)
        {
            commands.Add(perSecond(await bench.CommandsAsync(notifications)));
        }

        Log($"connector, {notifications:N0} notifications ({ConnectorBenchmark.Senders} senders): run {i + 1}: received {received[^1]:F0}/s, handled {handled[^1]:F0}/s; command API {commands[^1]:F0} commands/s");
    }

    return
    [
        new Figure($"connector received, signed generic webhook ({ConnectorBenchmark.Senders} senders)", "notifications/s", received, "≥ 100/s (a Double-11 store's peak)", f => f.Median >= 100)
            { Baseline = commands, BaselineName = "command API" },
        new Figure($"connector handled end to end ({ConnectorBenchmark.Senders} senders)", "notifications/s", handled, "≥ 100/s (a Double-11 store's peak)", f => f.Median >= 100)
            { Baseline = commands, BaselineName = "command API" },
    ];
}

// Issue 20's Double-11 hour: one run (no repetitions; it is minutes long), every figure from the same sustained phase.
async Task<List<Figure>> PeakFiguresAsync(int conversations, int seconds)
{
    await using var database = await BenchDatabase.CreateAsync(options.ServerConnectionString);
    Log($"peak: load average before {LoadAverage()}, {Environment.ProcessorCount} cores");
    await using var bench = await PeakBenchmark.StartAsync(database.ConnectionString);
    var (sendSeconds, visibleSeconds, seedCommands) = await bench.SeedAsync(conversations, options.PeakSeedInBatches);
    var seedRate = seedCommands / sendSeconds;
    var seedPath = options.PeakSeedInBatches ? "in batches (decider, AppendBatchAsync)" : "through the HTTP API";
    Log($"peak: seeded {seedCommands:N0} commands {seedPath} in {sendSeconds:F1} s ({seedRate:F0} commands/s); all {conversations:N0} in the busy store's queue after {visibleSeconds:F1} s");
    var r = await bench.SustainAsync(TimeSpan.FromSeconds(seconds), options.PeakClients);
    Log($"peak: {r.Commands:N0} commands in {r.Seconds:F1} s = {r.CommandsPerSecond:F0} commands/s ({r.CommandsPerSecond / PeakBenchmark.GoalCommandsPerSecond:P0} of the goal {PeakBenchmark.GoalCommandsPerSecond:N0}); "
        + $"p50 {r.Command.Percentile(50):F1} ms, p99 {r.Command.Percentile(99):F1} ms, max {r.Command.Percentile(100):F0} ms");
    Log($"peak: projection lag p50 {r.Lag.Percentile(50):F0} ms, p99 {r.Lag.Percentile(99):F0} ms over {r.Lag.Count} probes; dashboard p50 {r.Dashboard.Percentile(50):F1} ms, p99 {r.Dashboard.Percentile(99):F1} ms ({r.Dashboard.Count} calls); "
        + $"queue p50 {r.Queue.Percentile(50):F1} ms, p99 {r.Queue.Percentile(99):F1} ms ({r.Queue.Count} calls; {r.QueueBefore:N0} waiting at the start, {r.QueueAfter:N0} at the end)");
    Log($"peak: errors {r.Errors}{(r.FirstError is null ? "" : $"; the first: {r.FirstError}")}");
    Log($"peak: CPU in cores over the sustained phase: {r.Cpu}");
    // CPU per command does not depend on how much of the machine other work took: what 2,500 commands/s would need.
    Log("peak: CPU ms per command: " + string.Join(", ", r.Cpu.Cores.Select(c => $"{c.Name} {c.Cores * r.Seconds * 1000 / r.Commands:F2}")));
    foreach (var (statement, samples) in r.Cpu.ActiveStatements)
    {
        Log($"peak: running in PostgreSQL at {samples} of the once-a-second samples: {statement}");
    }

    var (largest, cores) = r.Cpu.Largest;
    Log(r.Cpu.MachineBusyCores >= 0.9 * r.Cpu.MachineCores
        ? $"peak: limited by CPU: the machine's {r.Cpu.MachineCores} cores were {r.Cpu.MachineBusyCores / r.Cpu.MachineCores:P0} busy; the largest consumer: {largest} ({cores:F2} cores)"
        : $"peak: the machine's cores were {r.Cpu.MachineBusyCores / r.Cpu.MachineCores:P0} busy: not CPU-bound; the closed-loop clients wait on each answer (largest consumer: {largest}, {cores:F2} cores)");
    Log($"peak: load average after {LoadAverage()}");
    var errors = r.Errors;
    return
    [
        new Figure($"peak: seeding {seedPath} ({seedCommands:N0} commands)", "commands/s", [seedRate], "reported (not in the sustained figure)", _ => true),
        new Figure($"peak: sustained commands/s ({seconds} s, {options.PeakClients} clients, errors: {errors})", "commands/s", [r.CommandsPerSecond], "≥ 2,500 commands/s, 0 errors", f => f.Median >= PeakBenchmark.GoalCommandsPerSecond && errors == 0)
            { Baseline = [PeakBenchmark.GoalCommandsPerSecond], BaselineName = "goal" },
        new Figure("peak: command latency p50", "ms", [r.Command.Percentile(50)], "reported", _ => true),
        new Figure("peak: command latency p99", "ms", [r.Command.Percentile(99)], "p99 < 100 ms", f => f.Median < 100),
        new Figure("peak: projection lag p99 (answer to read model)", "ms", [r.Lag.Percentile(99)], "p99 < 1,000 ms", f => f.Median < 1_000),
        new Figure("peak: dashboard p99 while loaded", "ms", [r.Dashboard.Percentile(99)], "p99 < 25 ms", f => f.Median < 25),
        new Figure($"peak: queue p99 while loaded ({r.QueueBefore:N0} waiting)", "ms", [r.Queue.Percentile(99)], "p99 < 25 ms", f => f.Median < 25),
    ];
}

static string LoadAverage() => string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

async Task<List<Figure>> EventStoreDbFiguresAsync(EventStoreDbBenchmark bench)
{
    var workloads = new (string Name, Func<Task<double>> Ours, Func<Task<double>> Official)[]
    {
        ("EventStoreDB append, single-event (16 writers)", () => bench.AppendAsync(1), () => bench.OfficialAppendAsync(1)),
        ("EventStoreDB append, 100-event batches (16 writers)", () => bench.AppendAsync(100), () => bench.OfficialAppendAsync(100)),
        ($"EventStoreDB $all read ({bench.ReadEvents:N0} events)", bench.ReadAllAsync, bench.OfficialReadAllAsync),
        ($"EventStoreDB catch-up subscription ({bench.ReadEvents:N0} events)", bench.CatchUpAsync, bench.OfficialCatchUpAsync),
    };
    var measured = new List<Figure>();
    foreach (var (name, ours, official) in workloads)
    {
        var values = new List<double>();
        var baseline = new List<double>();
        for (var i = 0; i < options.Repetitions; i++)
        {
            // Alternate which client goes first, so neither always meets a warmer server.
            if (i % 2 == 0)
            {
                values.Add(await ours());
                baseline.Add(await official());
            }
            else
            {
                baseline.Add(await official());
                values.Add(await ours());
            }

            Log($"{name}: run {i + 1}: OrderLedger {values[^1]:F0} events/s, official Node client {baseline[^1]:F0} events/s");
        }

        measured.Add(new Figure(name, "events/s", values, "≥ 80% of the official client", f => f.Ratio >= 0.8) { Baseline = baseline, BaselineName = "official" });
    }

    return measured;
}

static void Log(string line) => Console.Error.WriteLine($"  {line}");

// Where a build's CPU went: the projector against the PostgreSQL backends serving it, on a machine whose cores both share.
static async Task<(double Seconds, CpuShares Cpu)> WithCpuAsync(string connectionString, ProjectorProcess projector, Func<Task<double>> build)
{
    await using var cpu = new CpuSampler(connectionString, new Dictionary<string, int> { ["projector"] = projector.ProcessId });
    var seconds = await build();
    return (seconds, await cpu.StopAsync());
}
