using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrderLedger.Hosting;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>
/// Shifts, capacities and ranks through the API; the supervisors' roster view; the assignment reactor in the API host
/// giving a new human conversation to the agent on shift (the queue shows the assignee); store scope, roles and limits.
/// </summary>
public sealed class RosterEndpointTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static string Roster(Scenario shop) => $"/api/stores/{shop.StoreId}/roster";

    [Fact]
    public async Task An_agent_on_shift_gets_a_new_human_conversation_and_the_roster_and_the_queue_show_it()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var agent = host.As(Roles.Agent, shop.StoreId);
        var supervisor = host.As(Roles.Supervisor, shop.StoreId);
        await shop.OkAsync($"{Roster(shop)}/agents/agent-user/capacity", new { capacity = 2 }, supervisor);
        var started = await shop.OkAsync($"{Roster(shop)}/shift-start", new { }, agent);
        Assert.Equal("roster-shift-started", started.GetProperty("events")[0].GetProperty("type").GetString());

        var conversationId = "cv-" + Guid.NewGuid().ToString("N")[..10];
        await shop.OkAsync($"/api/conversations/{conversationId}", new { storeId = shop.StoreId, customerId = "cust-9", channel = "email", botEnabled = false });
        await shop.OkAsync($"/api/conversations/{conversationId}/messages", new { text = "Is the ring in stock?" });

        var roster = await Eventually.Json(supervisor, Roster(shop), r => r.GetArrayLength() == 1 && r[0].GetProperty("openConversations").GetInt32() == 1,
            because: "the agent should carry the new conversation");
        Assert.Equal(("agent-user", true, 2), (roster[0].GetProperty("agentId").GetString(), roster[0].GetProperty("onShift").GetBoolean(), roster[0].GetProperty("capacity").GetInt32()));
        var queue = await Eventually.Json(agent, $"/api/stores/{shop.StoreId}/conversations/queue",
            q => q.EnumerateArray().Any(c => c.GetProperty("conversation").GetProperty("conversationId").GetString() == conversationId
                                              && c.GetProperty("conversation").GetProperty("assignedAgent").GetString() == "agent-user"),
            because: "the queue should show the assignee");
        Assert.NotEmpty(queue.EnumerateArray());

        await shop.OkAsync($"/api/conversations/{conversationId}/resolution", new { }, agent);
        var handled = await Eventually.Json(supervisor, $"/api/stores/{shop.StoreId}/metrics/handled-by-agent", h => h.GetArrayLength() == 1,
            because: "the resolution should count as handled by the agent");
        Assert.Equal(("agent-user", 1), (handled[0].GetProperty("agentId").GetString(), handled[0].GetProperty("handled").GetInt32()));
        var freed = await Eventually.Json(supervisor, Roster(shop), r => r[0].GetProperty("openConversations").GetInt32() == 0, because: "the resolution frees the agent");
        var firstAssignedAt = freed[0].GetProperty("lastAssignedAt").GetDateTimeOffset();

        // A second conversation later: the roster's last assignment is the newer one.
        var secondId = "cv-" + Guid.NewGuid().ToString("N")[..10];
        await shop.OkAsync($"/api/conversations/{secondId}", new { storeId = shop.StoreId, customerId = "cust-10", channel = "email", botEnabled = false });
        await shop.OkAsync($"/api/conversations/{secondId}/messages", new { text = "And the necklace?" });
        await Eventually.Json(supervisor, Roster(shop),
            r => r[0].GetProperty("openConversations").GetInt32() == 1 && r[0].GetProperty("lastAssignedAt").GetDateTimeOffset() > firstAssignedAt,
            because: "the roster should show the agent's latest assignment");
    }

    [Fact]
    public async Task An_agent_ends_only_their_own_shift_and_a_supervisor_ends_anyones()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        await shop.OkAsync($"{Roster(shop)}/shift-start", new { }, host.As(Roles.Agent, shop.StoreId));

        var byOther = await host.As(Roles.Admin, shop.StoreId).PostAsJsonAsync($"{Roster(shop)}/shift-start", new { agentId = "agent-user" });
        Assert.Equal(HttpStatusCode.Conflict, byOther.StatusCode);
        Assert.Contains("roster.not-own-shift", await byOther.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var ended = await shop.OkAsync($"{Roster(shop)}/shift-end", new { agentId = "agent-user" }, host.As(Roles.Supervisor, shop.StoreId));
        Assert.Equal("supervisor-user", ended.GetProperty("events")[0].GetProperty("data").GetProperty("endedBy").GetString());
    }

    [Fact]
    public async Task An_agent_cannot_end_another_agents_shift()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        await shop.OkAsync($"{Roster(shop)}/shift-start", new { }, host.As(Roles.Supervisor, shop.StoreId));

        var response = await host.As(Roles.Agent, shop.StoreId).PostAsJsonAsync($"{Roster(shop)}/shift-end", new { agentId = "supervisor-user" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("roster.not-own-shift", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_stores_roster_is_not_found_and_agents_neither_see_it_nor_set_capacities_or_ranks()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var other = await Scenario.StoreWithStockAsync(host.Client);
        var supervisor = host.As(Roles.Supervisor, shop.StoreId);
        var agent = host.As(Roles.Agent, shop.StoreId);

        Assert.Equal(HttpStatusCode.NotFound, (await supervisor.GetAsync(Roster(other))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.PostAsJsonAsync($"{Roster(other)}/shift-start", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await supervisor.PostAsJsonAsync($"{Roster(other)}/agents/a-1/capacity", new { capacity = 3 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync(Roster(shop))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync($"{Roster(shop)}/agents/agent-user/capacity", new { capacity = 50 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync($"{Roster(shop)}/agents/agent-user/rank", new { rank = "Supervisor" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync($"/api/stores/{shop.StoreId}/policies/buyer-binding", new { bindBuyers = true })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.As(Roles.Ingest, shop.StoreId).PostAsJsonAsync($"{Roster(shop)}/shift-start", new { })).StatusCode);
        Assert.Equal(0, await other.CountEventsAsync($"roster-{other.StoreId}"));
    }

    [Theory]
    [InlineData("agents/a-1/capacity", "{\"capacity\":101}", "capacity")]
    [InlineData("agents/a-1/capacity", "{\"capacity\":-1}", "capacity")]
    [InlineData("agents/a-1/capacity", "{}", "capacity")]
    [InlineData("agents/a-1/rank", "{\"rank\":\"Boss\"}", "rank")]
    [InlineData("shift-start", "{\"agentId\":\"a\\u0000b\"}", "agentId")]
    [InlineData("shift-end", "{\"agentId\":\"LONG\"}", "agentId")]
    public async Task Roster_input_out_of_its_limits_is_a_400_naming_the_field(string path, string body, string field)
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var content = new StringContent(body.Replace("LONG", new string('x', 101), StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json");

        var response = await host.As(Roles.Supervisor, shop.StoreId).PostAsync($"{Roster(shop)}/{path}", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"the problem should name {field}: {problem}");
        Assert.Equal(0, await shop.CountEventsAsync($"roster-{shop.StoreId}"));
    }

    [Fact]
    public async Task A_route_agent_id_past_its_limit_is_a_400_naming_it()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);

        var response = await host.As(Roles.Supervisor, shop.StoreId).PostAsJsonAsync($"{Roster(shop)}/agents/{new string('x', 101)}/capacity", new { capacity = 3 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("agentId", out _));
    }
}
