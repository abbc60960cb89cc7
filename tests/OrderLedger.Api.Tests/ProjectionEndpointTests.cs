using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrderLedger.Hosting;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Api.Tests;

public sealed class ProjectionEndpointTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task Status_lists_every_read_model_of_the_host()
    {
        var status = await Eventually.Get(
            () => host.As(Roles.Data).GetFromJsonAsync<JsonElement>("/api/projections"),
            s => s.GetArrayLength() >= 6,
            because: "the host registers the core read models");

        var names = status.EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Contains("orders", names);
        Assert.Contains("customer_timeline", names);
    }

    [Fact]
    public async Task The_data_team_rebuilds_a_projection_and_follows_its_progress_to_completion()
    {
        var data = host.As(Roles.Data);

        var started = await data.PostAsync("/api/projections/orders/rebuild", null);
        var done = await Eventually.Get(
            () => data.GetFromJsonAsync<JsonElement>("/api/projections/orders/rebuild"),
            p => p.GetProperty("state").GetString() == "Completed",
            TimeSpan.FromSeconds(60),
            "the rebuild of an empty log finishes");

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal(100, done.GetProperty("percent").GetDouble());
    }

    [Theory]
    [InlineData(Roles.Agent)]
    [InlineData(Roles.Supervisor)]
    [InlineData(Roles.Auditor)]
    [InlineData(Roles.Ingest)]
    public async Task Only_the_data_team_and_admins_may_rebuild(string role)
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await host.As(role, "s1").PostAsync("/api/projections/orders/rebuild", null)).StatusCode);
    }

    [Fact]
    public async Task An_unknown_projection_is_a_404_problem_listing_the_known_ones()
    {
        var response = await host.As(Roles.Admin).PostAsync("/api/projections/nope/rebuild", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("orders", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
