using System.Text.Json;
using System.Text.Json.Nodes;
using OrderLedger.Domain.Stores;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Cli.Tests;

public sealed class ReplayVerbTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly DateTimeOffset Nine = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    private async Task<string> StoreWithHistory()
    {
        var id = "s" + Guid.NewGuid().ToString("N")[..8];
        await CliHarness.AppendChainedAsync(database, $"store-{id}", Nine, new StoreRegistered(id, "Shop", "Europe/Berlin", "EUR", Nine));
        await CliHarness.AppendChainedAsync(database, $"store-{id}", Nine.AddHours(1), new StoreAutoRefundWindowSet(id, 48, Nine.AddHours(1)));
        await CliHarness.AppendChainedAsync(database, $"store-{id}", Nine.AddHours(2), new StoreAutoRefundWindowSet(id, 24, Nine.AddHours(2)));
        return $"store-{id}";
    }

    [Fact]
    public async Task Every_event_is_listed_with_its_type_actor_and_the_state_after_it()
    {
        var stream = await StoreWithHistory();

        var run = await CliHarness.Run("replay", stream, "--connection", database.ConnectionString);

        Assert.Equal(0, run.ExitCode);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1 + 2 * 3, lines.Length);
        Assert.Contains("store-registered", lines[1], StringComparison.Ordinal);
        Assert.Contains("agent:agent-1", lines[1], StringComparison.Ordinal);
        Assert.Contains("store-auto-refund-window-set", lines[5], StringComparison.Ordinal);
        Assert.Contains("state:", lines[6], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_output_carries_each_state_and_at_shows_the_state_as_of_a_moment()
    {
        var stream = await StoreWithHistory();

        var all = await CliHarness.Run("replay", stream, "--format", "json", "--connection", database.ConnectionString);
        var asOf = await CliHarness.Run("replay", stream, "--at", "2026-11-01T10:30:00Z", "--format", "json", "--connection", database.ConnectionString);
        var before = await CliHarness.Run("replay", stream, "--at", "2026-10-01T00:00:00Z", "--connection", database.ConnectionString);

        var steps = JsonDocument.Parse(all.Output).RootElement;
        Assert.Equal(3, steps.GetArrayLength());
        Assert.Equal(0, all.ExitCode);
        var state = JsonDocument.Parse(asOf.Output).RootElement;
        Assert.Equal(1, state.GetProperty("revision").GetInt32());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(steps[1].GetProperty("stateAfter").GetRawText()), JsonNode.Parse(state.GetProperty("state").GetRawText())));
        Assert.False(JsonNode.DeepEquals(JsonNode.Parse(steps[1].GetProperty("stateAfter").GetRawText()), JsonNode.Parse(steps[2].GetProperty("stateAfter").GetRawText())));
        Assert.Contains("had no events", before.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "replay" }, 2, "exactly one stream")]
    [InlineData(new[] { "replay", "order-1", "--format", "xml" }, 2, "--format must be table or json")]
    [InlineData(new[] { "replay", "order-1", "--at", "teatime" }, 2, "is not a timestamp")]
    public async Task Bad_usage_is_one_line_with_a_non_zero_exit(string[] args, int exit, string message)
    {
        var run = await CliHarness.Run(args);

        Assert.Equal(exit, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_stream_is_one_line_and_exit_code_1()
    {
        var run = await CliHarness.Run("replay", "order-none", "--connection", database.ConnectionString);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("ledger replay: stream 'order-none' not found.", run.Error.Trim());
    }
}
