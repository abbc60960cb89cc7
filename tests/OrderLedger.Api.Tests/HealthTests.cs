using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using OrderLedger.Api.Hosting;
using OrderLedger.EventStore;
using OrderLedger.Hosting;
using OrderLedger.Projections.Runtime;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>Readiness with the projectors running: caught up is ready; the details need a token.</summary>
public sealed class HealthTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task Without_a_token_live_and_ready_answer_the_status_alone()
    {
        await RegisterStoreAsync(host, "health-1");
        await CaughtUpAsync(host);

        var live = await host.Anonymous.GetAsync("/health/live");
        var ready = await host.Anonymous.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("""{"status":"ready"}""", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task With_a_token_of_any_role_ready_shows_every_projection_caught_up()
    {
        await RegisterStoreAsync(host, "health-2");
        await CaughtUpAsync(host);

        var ready = await host.As(Roles.Agent, "health-2").GetAsync("/health/ready");
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", body.GetProperty("status").GetString());
        Assert.NotNull(body.GetProperty("head").GetString());
        var projections = body.GetProperty("projections").EnumerateArray().ToList();
        Assert.Contains(projections, p => p.GetProperty("name").GetString() == "orders");
        Assert.All(projections, p => Assert.True(p.GetProperty("lagEvents").GetInt64() <= new HealthOptions().MaxReadyLagEvents));
    }

    [Fact]
    public async Task A_forged_token_gets_the_status_alone()
    {
        var forged = host.Anonymous;
        forged.DefaultRequestHeaders.Authorization = new("Bearer",
            new AccessTokens("another-signing-key-of-at-least-32-bytes").Issue("mallory", [Roles.Admin], [AccessTokens.AllStores], TimeSpan.FromHours(1), DateTimeOffset.UtcNow));

        var body = await (await forged.GetAsync("/health/ready")).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(["status"], body.EnumerateObject().Select(p => p.Name));
    }

    internal static async Task RegisterStoreAsync(ApiHost host, string storeId)
    {
        var response = await host.Client.PostAsJsonAsync($"/api/stores/{storeId}", new { name = "Health store", timeZone = "UTC", currency = "EUR" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static Task<JsonElement> CaughtUpAsync(ApiHost host) => Eventually.Get(
        () => host.Client.GetFromJsonAsync<JsonElement>("/api/projections"),
        status => status.EnumerateArray().All(p => p.GetProperty("lagEvents").GetInt64() == 0),
        TimeSpan.FromSeconds(60),
        "every projection applies the store registration");
}

/// <summary>Readiness while no projector runs (another process would): the registration leaves every projection behind.</summary>
public sealed class HealthWhileProjectionsLagTests(HealthWhileProjectionsLagTests.NoProjectorsHost host) : IClassFixture<HealthWhileProjectionsLagTests.NoProjectorsHost>
{
    public sealed class NoProjectorsHost() : ApiHost(new Dictionary<string, string>
    {
        ["Projections:Run"] = "false",
        ["Health:MaxReadyLagEvents"] = "0",
    });

    [Fact]
    public async Task Projections_no_process_has_built_make_ready_503_naming_them_for_a_token_holder()
    {
        await HealthTests.RegisterStoreAsync(host, "lagging-1");

        var anonymous = await host.Anonymous.GetAsync("/health/ready");
        var signedIn = await host.As(Roles.Auditor).GetAsync("/health/ready");
        var body = await signedIn.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, anonymous.StatusCode);
        Assert.Equal("""{"status":"not-ready"}""", await anonymous.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, signedIn.StatusCode);
        Assert.Equal("not-ready", body.GetProperty("status").GetString());
        var orders = body.GetProperty("projections").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "orders");
        Assert.False(orders.GetProperty("ready").GetBoolean());
        Assert.Equal("not built yet", orders.GetProperty("reason").GetString());
    }
}

/// <summary>The readiness rule itself, over projection states.</summary>
public sealed class ReadinessTests
{
    private static readonly HealthOptions Options = new() { MaxReadyLagEvents = 100, MaxReadyLagSeconds = 30 };

    private static ProjectionStatus Status(ProjectionState state, long? lagEvents, double? lagSeconds, Position? head = null) =>
        new("orders", 1, 1, "orders_v1_g1", state, Position.Start, head ?? Position.Start, lagEvents, lagSeconds, 0, 0, 0, 0, null, null, null, null);

    [Theory]
    [InlineData(ProjectionState.Live, 0L, true)]
    [InlineData(ProjectionState.CatchingUp, 100L, true)]
    [InlineData(ProjectionState.CatchingUp, 101L, false)]
    [InlineData(ProjectionState.Stopped, 0L, true)]
    [InlineData(ProjectionState.Faulted, 0L, false)]
    public void A_projection_is_ready_within_the_lag_and_not_faulted(ProjectionState state, long lagEvents, bool ready)
    {
        var assessed = Readiness.Assess([Status(state, lagEvents, 0)], Options).Single();

        Assert.Equal(ready, assessed.Ready);
        Assert.Equal(ready, assessed.Reason is null);
    }

    [Theory]
    [InlineData(30.0, true)]
    [InlineData(31.0, false)]
    public void Where_the_store_cannot_count_events_the_lag_in_seconds_decides(double lagSeconds, bool ready)
    {
        Assert.Equal(ready, Readiness.Assess([Status(ProjectionState.CatchingUp, null, lagSeconds)], Options).Single().Ready);
    }

    [Fact]
    public void A_projection_never_built_is_not_ready_once_the_log_holds_events()
    {
        var neverBuilt = Status(ProjectionState.Stopped, null, null, new Position(7, 1));

        Assert.Equal("not built yet", Readiness.Assess([neverBuilt], Options).Single().Reason);
    }

    [Theory]
    [InlineData(2, false)]
    [InlineData(1, true)]
    public void A_host_whose_code_reads_a_newer_version_than_the_one_serving_is_not_ready_until_the_switch(int hostVersion, bool ready)
    {
        // Given version 1 serving while this host's code is at hostVersion (a rebuild of version 2 under way).
        var serving = Status(ProjectionState.Rebuilding, 0, 0);

        var assessed = Readiness.Assess([serving], Options, new Dictionary<string, int> { ["orders"] = hostVersion }).Single();

        Assert.Equal(ready, assessed.Ready);
        Assert.Equal(ready ? null : "version 1 serves, this host reads version 2: ready once its rebuild switches", assessed.Reason);
    }

    [Theory]
    [InlineData("-1", null)]
    [InlineData("10000001", null)]
    [InlineData(null, "-5")]
    public void Lag_limits_out_of_range_stop_the_host_at_start(string? events, string? seconds)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Health:MaxReadyLagEvents"] = events,
            ["Health:MaxReadyLagSeconds"] = seconds,
        }).Build();

        Assert.Throws<InvalidOperationException>(() => HealthOptions.From(configuration));
    }
}
