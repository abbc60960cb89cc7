using System.Diagnostics;
using System.Text.Json;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Bench.Tests;

/// <summary>The benchmark's smoke mode: every figure is produced, from real work, in a few minutes at most.</summary>
public sealed class BenchSmokeTests
{
    private static async Task<(int Exit, string Output, string Error)> RunBench(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "OrderLedger.Bench.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ORDERLEDGER_BENCH_PG"] = TestDatabase.ServerConnectionString;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        return (process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task Quick_mode_prints_every_figure_with_its_baseline_as_json()
    {
        var (exit, output, error) = await RunBench("--quick", "--json");

        Assert.True(exit == 0, error);
        var figures = JsonDocument.Parse(output).RootElement.EnumerateArray().ToDictionary(f => f.GetProperty("figure").GetString()!);
        // Catch-up twice: the 6 core read models (the figure), then every projection; the notary's eight; bulk
        // approval's two (the request, per refund); bulk append's six (with group commit); the connector's two (received, handled); the
        // Double-11 peak's seven (seeding, sustained commands/s, command p50 and p99, lag, dashboard and queue p99); the rebuild
        // beside Marten's two (Marten's, OrderLedger's).
        Assert.Equal(39, figures.Count);
        Assert.All(figures.Values, f => Assert.True(f.GetProperty("median").GetDouble() > 0, f.ToString()));
        Assert.True(figures["append, single-event (16 writers)"].GetProperty("baselineMedian").GetDouble() > 0);
        var bulk = figures.Single(f => f.Key.StartsWith("bulk: OrderLedger bulk append", StringComparison.Ordinal)).Value;
        Assert.True(bulk.GetProperty("baselineMedian").GetDouble() > 0);
        Assert.All(bulk.GetProperty("peers").EnumerateArray(), peer => Assert.True(peer.GetProperty("median").GetDouble() > 0, peer.ToString()));
        Assert.True(figures["catch-up, 6 core read models, rows written/s"].GetProperty("baselineMedian").GetDouble() > 0);
        Assert.True(figures.Single(f => f.Key.StartsWith("catch-up, ", StringComparison.Ordinal) && f.Key.EndsWith(" projections, rows written/s", StringComparison.Ordinal)).Value.GetProperty("baselineMedian").GetDouble() > 0);
        Assert.True(figures["append with the notary following, single-event (16 writers)"].GetProperty("baselineMedian").GetDouble() > 0);
        Assert.Single(figures.Keys, name => name.StartsWith("verify --all (", StringComparison.Ordinal));
        Assert.True(figures["bulk approval, 100 refunds in one request"].GetProperty("baselineMedian").GetDouble() > 0);
        Assert.True(figures.Single(f => f.Key.StartsWith("connector handled end to end", StringComparison.Ordinal)).Value.GetProperty("baselineMedian").GetDouble() > 0);
        Assert.True(figures["bulk approval, 100 refunds, per refund"].GetProperty("baselineMedian").GetDouble() > 0);
        Assert.True(figures.Single(f => f.Key.StartsWith("hot SKU", StringComparison.Ordinal)).Value.GetProperty("met").GetBoolean(), "the hot SKU was oversold");
        var sustained = figures.Single(f => f.Key.StartsWith("peak: sustained commands/s", StringComparison.Ordinal));
        Assert.Contains("errors: 0)", sustained.Key, StringComparison.Ordinal);
        Assert.Equal(2_500, sustained.Value.GetProperty("baselineMedian").GetDouble());
        Assert.Single(figures.Keys, name => name.StartsWith("peak: queue p99 while loaded (500 waiting", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unknown_options_are_one_line_and_exit_code_2()
    {
        var (exit, _, error) = await RunBench("--fastest");

        Assert.Equal(2, exit);
        Assert.Contains("unknown or incomplete option '--fastest'", error, StringComparison.Ordinal);
    }
}
