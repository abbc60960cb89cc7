using Npgsql;
using OrderLedger.Domain.Stores;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Cli.Tests;

public sealed class VerifyVerbTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly DateTimeOffset Nine = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    private async Task<string> StoreWithHistory()
    {
        var id = "s" + Guid.NewGuid().ToString("N")[..8];
        await CliHarness.AppendChainedAsync(database, $"store-{id}", Nine, new StoreRegistered(id, "Shop", "Europe/Berlin", "EUR", Nine));
        await CliHarness.AppendChainedAsync(database, $"store-{id}", Nine.AddHours(1),
            new StoreAutoRefundWindowSet(id, 48, Nine.AddHours(1)),
            new StoreAutoRefundWindowSet(id, 24, Nine.AddHours(2)));
        return $"store-{id}";
    }

    private async Task Tamper(string sql, string stream, long revision) =>
        Assert.Equal(1, await database.RewriteHistoryAsync(sql, stream, revision));

    [Fact]
    public async Task An_untouched_log_is_reported_intact_with_counts()
    {
        var stream = await StoreWithHistory();

        var run = await CliHarness.Run("verify", "--stream", stream, "--connection", database.ConnectionString);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("checked 3 events in 1 streams", run.Output, StringComparison.Ordinal);
        Assert.Contains("intact", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_changed_payload_is_caught_at_its_stream_and_revision()
    {
        var stream = await StoreWithHistory();
        await Tamper("UPDATE eventstore.events SET data = convert_to(replace(convert_from(data, 'UTF8'), '48', '480'), 'UTF8') WHERE stream_id = $1 AND stream_revision = $2", stream, 1);

        var run = await CliHarness.Run("verify", "--stream", stream, "--connection", database.ConnectionString);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains($"BROKEN at {stream} revision 1", run.Output, StringComparison.Ordinal);
        Assert.Matches("expected hash [0-9a-f]{64}, found hash [0-9a-f]{64}", run.Output);
    }

    [Fact]
    public async Task A_deleted_event_is_caught_at_the_gap()
    {
        var stream = await StoreWithHistory();
        await Tamper("DELETE FROM eventstore.events WHERE stream_id = $1 AND stream_revision = $2", stream, 1);

        var run = await CliHarness.Run("verify", "--stream", stream, "--connection", database.ConnectionString);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains($"BROKEN at {stream} revision 2", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rewritten_hash_does_not_hide_a_change()
    {
        // Recomputing one event's own hash after editing it still breaks its successor's prevHash.
        var stream = await StoreWithHistory();
        await Tamper("UPDATE eventstore.events SET metadata = convert_to(regexp_replace(convert_from(metadata, 'UTF8'), '\"hash\":\"[0-9a-f]{64}\"', '\"hash\":\"' || repeat('a', 64) || '\"'), 'UTF8') WHERE stream_id = $1 AND stream_revision = $2", stream, 1);

        var run = await CliHarness.Run("verify", "--stream", stream, "--connection", database.ConnectionString);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains($"BROKEN at {stream} revision 1", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "verify", "--stream" }, "needs a value")]
    [InlineData(new[] { "verify", "--stream", "a", "--all" }, "not both")]
    [InlineData(new[] { "verify", "--everything" }, "unknown option '--everything'")]
    [InlineData(new[] { "frobnicate" }, "unknown verb 'frobnicate'")]
    public async Task Bad_usage_is_one_line_and_exit_code_2(string[] args, string message)
    {
        var run = await CliHarness.Run(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_missing_stream_is_one_line_and_exit_code_1()
    {
        var run = await CliHarness.Run("verify", "--stream", "store-nope", "--connection", database.ConnectionString);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("ledger verify: stream 'store-nope' not found.", run.Error.Trim());
    }

    [Fact]
    public async Task An_unreachable_database_is_one_line_and_exit_code_1()
    {
        var run = await CliHarness.Run("verify", "--all", "--connection", "Host=127.0.0.1;Port=1;Username=x;Password=x;Database=x;Timeout=2");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("ledger: cannot reach the event store", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Trim().Split('\n'));
    }
}

/// <summary>The whole-log walk, on a database of its own so no other test's tampering shows up in it.</summary>
public sealed class VerifyAllTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task The_whole_log_is_walked_and_the_first_break_reported()
    {
        var nine = new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
        foreach (var id in new[] { "a", "b", "c" })
        {
            await CliHarness.AppendChainedAsync(database, $"store-{id}", nine, new StoreRegistered(id, "Shop", "Europe/Berlin", "EUR", nine));
            await CliHarness.AppendChainedAsync(database, $"store-{id}", nine, new StoreAutoRefundWindowSet(id, 48, nine));
        }

        var intact = await CliHarness.Run("verify", "--all", "--connection", database.ConnectionString);
        await database.RewriteHistoryAsync("UPDATE eventstore.events SET data = convert_to(replace(convert_from(data, 'UTF8'), '48', '72'), 'UTF8') WHERE stream_id = 'store-b' AND stream_revision = 1");

        var broken = await CliHarness.Run("verify", "--all", "--connection", database.ConnectionString);

        Assert.Equal(0, intact.ExitCode);
        Assert.Contains("checked 6 events in 3 streams", intact.Output, StringComparison.Ordinal);
        Assert.Equal(3, broken.ExitCode);
        Assert.Contains("BROKEN at store-b revision 1", broken.Output, StringComparison.Ordinal);
    }
}
