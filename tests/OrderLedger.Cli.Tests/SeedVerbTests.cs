using Microsoft.Extensions.Configuration;
using Npgsql;
using OrderLedger.Cli.Verbs;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Cli.Tests;

public sealed class SeedVerbTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly string[] Tiny = ["--stores", "1", "--customers", "50", "--orders", "200", "--days", "9", "--start", "2026-10-01"];

    private static async Task<List<string>> EventsOf(NpgsqlDataSource source, string prefix)
    {
        await using var command = source.CreateCommand(
            """
            SELECT stream_id || '@' || stream_revision || ' ' || event_id || ' ' || event_type || ' ' || convert_from(data, 'UTF8') || ' ' || convert_from(metadata, 'UTF8')
            FROM eventstore.events WHERE stream_id LIKE '%' || $1 || '%' ORDER BY stream_id, stream_revision
            """);
        command.Parameters.AddWithValue(prefix);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    private async Task<long> Count(string eventType)
    {
        await using var command = database.DataSource.CreateCommand("SELECT count(*) FROM eventstore.events WHERE event_type = $1");
        command.Parameters.AddWithValue(eventType);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_small_month_has_every_kind_of_fact_through_the_command_handlers_with_intact_chains()
    {
        var run = await CliHarness.Run(["seed", .. Tiny, "--seed", "7", "--connection", database.ConnectionString]);

        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"seeded [\d,]+ events from [\d,]+ commands in [\d.]+ s \([\d,]+ events/s\)", run.Output);
        foreach (var type in new[]
                 {
                     "store-registered", "store-warehouses-set", "stock-received", "order-placed", "order-allocated", "order-payment-confirmed",
                     "order-payment-timed-out", "shipment-created", "shipment-handed-to-carrier", "shipment-tracking-scanned", "shipment-delivered",
                     "refund-requested", "refund-paid", "conversation-started", "conversation-handed-off", "conversation-agent-replied",
                     "conversation-resolved", "conversation-nps-survey-sent", "conversation-classified",
                 })
        {
            Assert.True(await Count(type) > 0, $"no {type} event was seeded");
        }

        var verify = await CliHarness.Run("verify", "--all", "--connection", database.ConnectionString);
        Assert.Equal(0, verify.ExitCode);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_events_and_another_seed_others()
    {
        var other = new TestDatabase();
        await other.InitializeAsync();
        try
        {
            Assert.Equal(0, (await CliHarness.Run(["seed", .. Tiny, "--seed", "42", "--connection", database.ConnectionString])).ExitCode);
            Assert.Equal(0, (await CliHarness.Run(["seed", .. Tiny, "--seed", "42", "--connection", other.ConnectionString])).ExitCode);
            Assert.Equal(0, (await CliHarness.Run(["seed", .. Tiny, "--seed", "43", "--connection", other.ConnectionString])).ExitCode);

            var first = await EventsOf(database.DataSource, "sd42s");
            var second = await EventsOf(other.DataSource, "sd42s");
            var differentSeed = await EventsOf(other.DataSource, "sd43s");

            Assert.True(first.Count > 1000, $"only {first.Count} events");
            Assert.Equal(first, second);
            Assert.NotEqual(first.Count, differentSeed.Count);
        }
        finally
        {
            await other.DisposeAsync();
        }
    }

    [Fact]
    public async Task Seeding_again_with_the_same_seed_records_nothing_new()
    {
        string[] args = ["seed", "--stores", "1", "--customers", "10", "--orders", "20", "--days", "1", "--start", "2026-09-01", "--seed", "5", "--connection", database.ConnectionString];
        Assert.Equal(0, (await CliHarness.Run(args)).ExitCode);
        var before = (await EventsOf(database.DataSource, "sd5s")).Count;

        var again = await CliHarness.Run(args);

        Assert.Equal(0, again.ExitCode);
        Assert.Contains("seeded 0 events", again.Output, StringComparison.Ordinal);
        Assert.Equal(before, (await EventsOf(database.DataSource, "sd5s")).Count);
    }

    [Fact]
    public async Task An_unreachable_database_is_one_line_and_exit_1()
    {
        var run = await CliHarness.Run("seed", "--orders", "5", "--connection", "Host=127.0.0.1;Port=1;Username=x;Password=y;Database=z;Timeout=2");

        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.StartsWith("ledger: cannot reach", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--orders", "many")]
    [InlineData("--stores", "0")]
    [InlineData("--start", "yesterday")]
    [InlineData("--speed", "9")]
    public async Task Bad_options_are_one_line_and_exit_2(string option, string value)
    {
        var run = await CliHarness.Run("seed", option, value, "--connection", database.ConnectionString);

        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.StartsWith("ledger seed: ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_connection_option_the_configured_owner_still_runs_the_migrations()
    {
        // Before: the bulk-load connection replaced the configured one and dropped the owner, so the app role created
        // and owned the schema, and `ORDERLEDGER_SEED=1 tools/run.sh` ended with the host (migrating as the owner)
        // refused: "permission denied for schema eventstore".
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Username=app;Database=ledger",
            ["ConnectionStrings:PostgresOwner"] = "Host=127.0.0.1;Username=owner;Database=ledger",
        }).Build();

        var (configured, owner) = SeedVerb.Connections(null, configuration);
        var (given, noOwner) = SeedVerb.Connections("Host=127.0.0.1;Username=other;Database=elsewhere", configuration);

        Assert.Equal("Host=127.0.0.1;Username=owner;Database=ledger", owner);
        Assert.Contains("Username=app", configured, StringComparison.Ordinal);
        Assert.Contains("synchronous_commit=off", configured, StringComparison.Ordinal);
        Assert.Null(noOwner); // another database: the owner of this one does not belong to it
        Assert.Contains("Username=other", given, StringComparison.Ordinal);
    }
}
