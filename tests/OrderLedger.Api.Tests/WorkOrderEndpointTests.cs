using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrderLedger.Hosting;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>
/// Work orders through the API: a supervisor sets a department, an agent opens a work order from a conversation, the
/// department's owner plans and resolves it, the agent closes it back to the conversation; another store's callers see
/// none of it, and the roles are held to their part.
/// </summary>
public sealed class WorkOrderEndpointTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    // The test tokens' subjects are "{role}-user": the supervisor owns the department, the administrator directs it.
    private const string Owner = "supervisor-user", Director = "admin-user";

    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    private async Task<(Scenario Shop, string Conversation)> ShopWithConversationAsync()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        await shop.OkAsync($"/api/stores/{shop.StoreId}/departments/logistics", new { ownerId = Owner, directorId = Director }, host.As(Roles.Supervisor, shop.StoreId));
        var conversation = NewId("cv-");
        await shop.OkAsync($"/api/conversations/{conversation}", new { storeId = shop.StoreId, customerId = "cust-1", channel = "chat" });
        return (shop, conversation);
    }

    [Fact]
    public async Task A_work_order_goes_from_the_conversation_to_the_department_and_back()
    {
        var (shop, conversation) = await ShopWithConversationAsync();
        var (agent, owner) = (host.As(Roles.Agent, shop.StoreId), host.As(Roles.Supervisor, shop.StoreId));
        var ticket = NewId("t-");

        var opened = await shop.OkAsync($"/api/conversations/{conversation}/work-orders", new { ticketId = ticket, department = "logistics", summary = "Parcel lost at the hub" }, agent);
        Assert.Equal(
            ["ticket-opened", "conversation-work-order-opened"],
            opened.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()!).ToArray());
        var data = opened.GetProperty("events")[0].GetProperty("data");
        Assert.Equal((Owner, "agent-user"), (data.GetProperty("assignedTo").GetString(), data.GetProperty("openedBy").GetString()));

        var notTheOwner = await agent.PostAsJsonAsync($"/api/work-orders/{ticket}/plan", new { plan = "I will do it" });
        Assert.Equal(HttpStatusCode.Conflict, notTheOwner.StatusCode);
        Assert.Equal("work-order.not-assignee", (await notTheOwner.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString());

        await shop.OkAsync($"/api/work-orders/{ticket}/plan", new { plan = "Trace it with the carrier today" }, owner);
        await shop.OkAsync($"/api/work-orders/{ticket}/resolution", new { resolution = "Found; re-sent by express" }, owner);
        var closed = await shop.OkAsync($"/api/work-orders/{ticket}/closure", new { }, agent);
        Assert.Equal(
            ["ticket-closed", "conversation-work-order-closed"],
            closed.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()!).ToArray());

        var transcript = await host.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversation}/messages");
        var kinds = transcript.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal(["started", "work-order-opened", "work-order-closed"], kinds);
        Assert.Contains("Found; re-sent by express", transcript.GetProperty("entries")[2].GetProperty("text").GetString(), StringComparison.Ordinal);

        var row = await Eventually.Json(host.Client, $"/api/work-orders/{ticket}", w => w.GetProperty("status").GetString() == "closed", Wait, "the closed work order");
        Assert.True(row.GetProperty("planOnTime").GetBoolean());
        var list = await Eventually.Json(
            host.Client, $"/api/stores/{shop.StoreId}/work-orders?state=closed&department=logistics", l => l.GetArrayLength() == 1, Wait, "the store's closed work order");
        Assert.Equal(ticket, list[0].GetProperty("ticketId").GetString());
        Assert.Equal(0, (await Eventually.Json(host.Client, $"/api/stores/{shop.StoreId}/work-orders?state=open", _ => true, Wait)).GetArrayLength());
    }

    [Fact]
    public async Task A_department_the_store_does_not_have_is_refused_and_nothing_is_recorded()
    {
        var (shop, conversation) = await ShopWithConversationAsync();
        var ticket = NewId("t-");

        var response = await host.As(Roles.Agent, shop.StoreId).PostAsJsonAsync(
            $"/api/conversations/{conversation}/work-orders", new { ticketId = ticket, department = "finance", summary = "Invoice is wrong" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("work-order.unknown-department", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString());
        Assert.Equal(0, await shop.CountEventsAsync($"ticket-{ticket}"));
        Assert.DoesNotContain("conversation-work-order-opened", await TypesAsync($"conversation-{conversation}"));
    }

    [Fact]
    public async Task Another_stores_conversation_and_work_orders_are_not_found()
    {
        var (shop, conversation) = await ShopWithConversationAsync();
        var ticket = NewId("t-");
        await shop.OkAsync($"/api/conversations/{conversation}/work-orders", new { ticketId = ticket, department = "logistics", summary = "Parcel lost" }, host.As(Roles.Agent, shop.StoreId));
        var other = await Scenario.StoreWithStockAsync(host.Client);
        var stranger = host.As(Roles.Supervisor, other.StoreId);

        var open = await stranger.PostAsJsonAsync($"/api/conversations/{conversation}/work-orders", new { ticketId = NewId("t-"), department = "logistics", summary = "Mine now" });
        var plan = await stranger.PostAsJsonAsync($"/api/work-orders/{ticket}/plan", new { plan = "Mine now" });
        var department = await stranger.PostAsJsonAsync($"/api/stores/{shop.StoreId}/departments/logistics", new { ownerId = "x", directorId = "y" });
        await Eventually.Json(host.Client, $"/api/work-orders/{ticket}", _ => true, Wait, "the work order in the read model");
        var read = await stranger.GetAsync($"/api/work-orders/{ticket}");
        var list = await stranger.GetAsync($"/api/stores/{shop.StoreId}/work-orders");

        Assert.All([open, plan, department, read, list], r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        Assert.Equal(1, await shop.CountEventsAsync($"ticket-{ticket}"));
    }

    [Fact]
    public async Task Only_supervisors_set_departments_and_a_connector_cannot_open_or_answer_a_work_order()
    {
        var (shop, conversation) = await ShopWithConversationAsync();
        var ingest = host.As(Roles.Ingest, shop.StoreId);

        var byAgent = await host.As(Roles.Agent, shop.StoreId).PostAsJsonAsync($"/api/stores/{shop.StoreId}/departments/quality", new { ownerId = "a", directorId = "b" });
        var opened = await ingest.PostAsJsonAsync($"/api/conversations/{conversation}/work-orders", new { ticketId = NewId("t-"), department = "logistics", summary = "x" });
        var closed = await ingest.PostAsJsonAsync($"/api/work-orders/{NewId("t-")}/closure", new { });
        var read = await host.As(Roles.Ingest, shop.StoreId).GetAsync($"/api/stores/{shop.StoreId}/work-orders");

        Assert.All([byAgent, opened, closed, read], r => Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode));
    }

    [Fact]
    public async Task Work_order_input_is_held_to_its_limits()
    {
        var (shop, conversation) = await ShopWithConversationAsync();
        var agent = host.As(Roles.Agent, shop.StoreId);

        var longSummary = await agent.PostAsJsonAsync($"/api/conversations/{conversation}/work-orders", new { ticketId = NewId("t-"), department = "logistics", summary = new string('x', 2_001) });
        var missing = await agent.PostAsJsonAsync($"/api/conversations/{conversation}/work-orders", new { department = "logistics" });
        var nul = await agent.PostAsJsonAsync($"/api/conversations/{conversation}/work-orders", new { ticketId = NewId("t-"), department = "logistics", summary = "a\0b" });
        var longDepartment = await host.As(Roles.Supervisor, shop.StoreId).PostAsJsonAsync(
            $"/api/stores/{shop.StoreId}/departments/{new string('d', 65)}", new { ownerId = "a", directorId = "b" });
        var longPlan = await host.As(Roles.Supervisor, shop.StoreId).PostAsJsonAsync($"/api/work-orders/{NewId("t-")}/plan", new { plan = new string('p', 2_001) });
        var badState = await agent.GetAsync($"/api/stores/{shop.StoreId}/work-orders?state=lost");

        Assert.Equal(HttpStatusCode.BadRequest, longSummary.StatusCode);
        Assert.True((await longSummary.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("summary", out _));
        var missingFields = (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(missingFields.TryGetProperty("ticketId", out _) && missingFields.TryGetProperty("summary", out _));
        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, longDepartment.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, longPlan.StatusCode);
        Assert.True((await longPlan.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("plan", out _));
        Assert.Equal(HttpStatusCode.BadRequest, badState.StatusCode);
    }

    private async Task<List<string?>> TypesAsync(string streamId) =>
        [.. (await host.Client.GetFromJsonAsync<JsonElement>($"/api/streams/{streamId}")).GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString())];
}
