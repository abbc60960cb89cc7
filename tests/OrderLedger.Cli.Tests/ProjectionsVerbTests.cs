using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrderLedger.Domain;
using OrderLedger.Domain.Stores;
using OrderLedger.Hosting;
using OrderLedger.Projections.Runtime;
using OrderLedger.ReadModels;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Cli.Tests;

public sealed class ProjectionsVerbTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly DateTimeOffset Nine = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A projector process as the API host runs it: every read model, projecting.</summary>
    private IHost Projector()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>("ConnectionStrings:Postgres", database.ConnectionString)]);
        builder.Services.AddOrderLedgerEventStore(builder.Configuration);
        builder.Services.AddSingleton(DomainEventTypes.CreateRegistry());
        builder.Services.AddProjections(builder.Configuration, o => o.ControlInterval = TimeSpan.FromMilliseconds(200))
            .AddFromAssembly(typeof(OrdersProjection).Assembly)
            ;
        return builder.Build();
    }

    private async Task StoreRegistered()
    {
        var id = "s" + Guid.NewGuid().ToString("N")[..8];
        await CliHarness.AppendChainedAsync(database, $"store-{id}", Nine, new StoreRegistered(id, "Shop", "Europe/Berlin", "EUR", Nine));
    }

    [Fact]
    public async Task Status_lists_every_read_model_with_its_state_and_lag()
    {
        await StoreRegistered();

        var run = await CliHarness.Run("projections", "status", "--connection", database.ConnectionString);

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("projection", run.Output, StringComparison.Ordinal);
        foreach (var name in new[] { "orders", "customer_timeline", "stock_levels", "shipments", "refunds", "conversations", "metric_service", "metric_commerce", "reactor_timers" })
        {
            Assert.Matches($"(?m)^{name} +\\w+", run.Output);
        }
    }

    [Fact]
    public async Task Rebuild_with_wait_follows_the_running_projector_to_completion_in_plain_lines()
    {
        await StoreRegistered();
        using var projector = Projector();
        await projector.StartAsync();
        try
        {
            await Eventually.Get(async () => (await CliHarness.Run("projections", "status", "--connection", database.ConnectionString)).Output,
                output => output.Split('\n').Any(l => l.StartsWith("orders ", StringComparison.Ordinal) && l.Contains("Live", StringComparison.Ordinal)));

            var run = await CliHarness.Run("projections", "rebuild", "orders", "--wait", "--connection", database.ConnectionString);

            Assert.Equal(0, run.ExitCode);
            Assert.Contains("orders: rebuild g2 requested", run.Output, StringComparison.Ordinal);
            Assert.Matches(@"orders g2 \d+/\d+ \(100\.0%\), [\d,]+ ev/s, ETA 00:00:00", run.Output);
            Assert.Contains("orders g2: completed", run.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("\r", run.Output, StringComparison.Ordinal);
        }
        finally
        {
            await projector.StopAsync();
        }
    }

    [Fact]
    public async Task Rebuild_with_wait_and_no_projector_running_says_so_and_fails()
    {
        var run = await CliHarness.Run("projections", "rebuild", "refunds", "--wait", "--connection", database.ConnectionString);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no projector is running refunds", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_projection_is_one_line_and_exit_1()
    {
        var run = await CliHarness.Run("projections", "rebuild", "nope", "--connection", database.ConnectionString);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("ledger projections rebuild: No projection is named 'nope'. Known: ", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("projections")]
    [InlineData("projections", "explode")]
    [InlineData("projections", "status", "--bogus")]
    [InlineData("projections", "rebuild")]
    [InlineData("projections", "status", "--wait")]
    public async Task Usage_mistakes_are_one_line_and_exit_2(params string[] args)
    {
        var run = await CliHarness.Run([.. args, "--connection", database.ConnectionString]);

        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.StartsWith("ledger projections", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_database_is_one_line_and_exit_1()
    {
        var run = await CliHarness.Run("projections", "status", "--connection", "Host=127.0.0.1;Port=1;Username=x;Password=y;Database=z;Timeout=2");

        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.StartsWith("ledger: cannot reach", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_progress_bar_shows_done_total_rate_and_eta()
    {
        var line = ProgressDisplay.Format("orders g3", 250, 1000, 1234.4, TimeSpan.FromSeconds(75), withBar: true);

        Assert.Equal("orders g3 [########----------------------] 250/1,000 (25.0%), 1,234 ev/s, ETA 00:01:15", line);
    }
}
