using Npgsql;
using NpgsqlTypes;
using OrderLedger.Metrics.Infrastructure;
using OrderLedger.ReadModels.Infrastructure;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Metrics.Tests.Specs;

/// <summary>
/// The metric pool plans every execution for its parameters; a statement a query marks <see cref="QueryBatch.Plan.Generic"/>
/// is planned once per connection instead. One connection (pool of one) so every batch runs in the same session.
/// </summary>
public sealed class QueryBatchPlanSpecs(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private const string PlannedPerCall = "SELECT count(*) FROM generate_series(1, @n) AS g";
    private const string PlannedOnce = "SELECT sum(g) FROM generate_series(1, @n) AS g";

    private NpgsqlDataSource metrics = null!;

    public Task InitializeAsync()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(MetricPool.ConnectionString(db.ConnectionString)) { MaxPoolSize = 1 };
        metrics = NpgsqlDataSource.Create(connectionString.ConnectionString);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await metrics.DisposeAsync();

    [Fact]
    public async Task A_generic_statement_gets_one_plan_the_others_keep_the_session_s_and_every_result_goes_to_its_own_statement()
    {
        for (var n = 1; n <= 8; n++)
        {
            var batch = new QueryBatch();
            var count = batch.Add(PlannedPerCall, [Number(n)], r => r.GetInt64(0));
            var sum = batch.Add(PlannedOnce, [Number(n)], r => r.GetInt64(0), QueryBatch.Plan.Generic);
            await batch.ExecuteAsync(metrics, CancellationToken.None);

            Assert.Equal(((long)n, (long)n * (n + 1) / 2), (count().Single(), sum().Single()));
        }

        var plans = await PlansAsync();
        Assert.True(plans[PlannedOnce].Generic > 0, "the generic statement was never planned generically");
        Assert.Equal(0, plans[PlannedOnce].Custom);
        Assert.Equal(0, plans[PlannedPerCall].Generic);
        Assert.True(plans[PlannedPerCall].Custom > 0);
        Assert.Equal("force_custom_plan", await PlanCacheModeAsync());
    }

    [Fact]
    public async Task A_batch_that_fails_among_its_generic_statements_leaves_the_session_planning_every_execution()
    {
        var batch = new QueryBatch();
        batch.Add("SELECT 1 / @n", [Number(0)], r => r.GetInt32(0), QueryBatch.Plan.Generic);
        batch.Add(PlannedPerCall, [Number(3)], r => r.GetInt64(0));

        var error = await Assert.ThrowsAsync<PostgresException>(() => batch.ExecuteAsync(metrics, CancellationToken.None));

        Assert.Equal(PostgresErrorCodes.DivisionByZero, error.SqlState);
        Assert.Equal("force_custom_plan", await PlanCacheModeAsync());
    }

    private static NpgsqlParameter Number(int n) => new NpgsqlParameter<int>("n", NpgsqlDbType.Integer) { TypedValue = n };

    private async Task<Dictionary<string, (long Generic, long Custom)>> PlansAsync()
    {
        await using var command = metrics.CreateCommand("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements");
        await using var reader = await command.ExecuteReaderAsync();
        var plans = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            // Npgsql prepares the statement with its parameters renamed: @n is $1.
            plans[reader.GetString(0).Replace("$1", "@n", StringComparison.Ordinal)] = (reader.GetInt64(1), reader.GetInt64(2));
        }

        return plans;
    }

    private async Task<string?> PlanCacheModeAsync()
    {
        await using var command = metrics.CreateCommand("SHOW plan_cache_mode");
        return (string?)await command.ExecuteScalarAsync();
    }
}
