using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrderLedger.Hosting;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>
/// Priority as an integrator drives it: the store's VIP rule (net paid in the last 12 months, member levels), the issue's
/// urgency, per-priority targets, the queue served by priority then wait, the reply rate per priority; who may set what.
/// </summary>
public sealed class PriorityTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    private static List<JsonElement> Events(JsonElement answer) => [.. answer.GetProperty("events").EnumerateArray()];

    private static string? PriorityOf(JsonElement answer) =>
        Events(answer).Where(e => e.GetProperty("type").GetString() == "conversation-priority-set")
            .Select(e => e.GetProperty("data").GetProperty("priority").GetString()).SingleOrDefault();

    [Fact]
    public async Task A_customer_who_paid_the_vip_amount_in_the_last_year_starts_as_vip_and_is_served_before_a_longer_wait()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var supervisor = host.As(Roles.Supervisor, shop.StoreId);
        await shop.OkAsync($"/api/stores/{shop.StoreId}/policies/vip-rule", new { minPaidLast12Months = 20m }, supervisor);
        var vipCustomer = NewId("cust-");
        var orderId = await shop.PaidOrderAsync(vipCustomer); // 2 × 10 EUR
        await Eventually.Json(host.Client, $"/api/orders/{orderId}", o => o.GetProperty("status").GetString() == "paid", because: "the payment in the orders read model");
        var (normal, vip) = (NewId("cv-"), NewId("cv-"));
        var now = DateTimeOffset.UtcNow;
        var normalStart = await shop.OkAsync($"/api/conversations/{normal}", new { storeId = shop.StoreId, customerId = NewId("cust-"), channel = "chat", occurredAt = now.AddSeconds(-90) });
        await shop.OkAsync($"/api/conversations/{normal}/messages", new { text = "where is my parcel?", occurredAt = now.AddSeconds(-90) });

        var vipStart = await shop.OkAsync($"/api/conversations/{vip}", new { storeId = shop.StoreId, customerId = vipCustomer, channel = "chat", occurredAt = now });
        await shop.OkAsync($"/api/conversations/{vip}/messages", new { text = "the vase?", occurredAt = now });

        Assert.Null(PriorityOf(normalStart));
        Assert.Equal("Vip", PriorityOf(vipStart));
        var queue = await Eventually.Json(host.Client, $"/api/stores/{shop.StoreId}/conversations/queue",
            q => q.EnumerateArray().Count(e => e.GetProperty("conversation").GetProperty("conversationId").GetString() is var id && (id == vip || id == normal)) == 2,
            because: "both conversations waiting in the queue");
        var order = queue.EnumerateArray().Select(e => (Id: e.GetProperty("conversation").GetProperty("conversationId").GetString(), Priority: e.GetProperty("conversation").GetProperty("priority").GetString())).ToList();
        Assert.Equal([(vip, "vip"), (normal, "normal")], order);
        // 90 s of the ordinary three minutes: in time, and not yet at risk (80 % of 180 s).
        var normalEntry = queue.EnumerateArray().Single(e => e.GetProperty("conversation").GetProperty("conversationId").GetString() == normal);
        Assert.False(normalEntry.GetProperty("slaBreached").GetBoolean());
    }

    [Fact]
    public async Task A_member_level_the_rule_lists_makes_a_vip_and_an_urgency_makes_an_urgent_conversation_until_it_is_cleared()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var supervisor = host.As(Roles.Supervisor, shop.StoreId);
        var (gold, regular) = (NewId("cust-"), NewId("cust-"));
        await shop.OkAsync($"/api/stores/{shop.StoreId}/policies/vip-rule", new { memberLevels = new[] { "gold" } }, supervisor);
        var level = await shop.OkAsync($"/api/stores/{shop.StoreId}/policies/member-levels/{gold}", new { level = "gold" }, supervisor);
        Assert.Equal("store-customer-member-level-set", Events(level)[0].GetProperty("type").GetString());

        var vip = await shop.OkAsync($"/api/conversations/{NewId("cv-")}", new { storeId = shop.StoreId, customerId = gold, channel = "chat" });
        var urgentId = NewId("cv-");
        var urgent = await shop.OkAsync($"/api/conversations/{urgentId}", new { storeId = shop.StoreId, customerId = regular, channel = "chat", urgency = "ParcelDamaged" });
        var cleared = await shop.OkAsync($"/api/conversations/{urgentId}/urgency", new { urgency = "None" }, host.As(Roles.Agent, shop.StoreId));

        Assert.Equal("Vip", PriorityOf(vip));
        Assert.Equal("Urgent", PriorityOf(urgent));
        Assert.Equal("Normal", PriorityOf(cleared));
    }

    [Fact]
    public async Task A_supervisor_sets_a_prioritys_targets_and_the_reply_rate_per_priority_lists_every_priority_with_its_target()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var supervisor = host.As(Roles.Supervisor, shop.StoreId);
        var set = await shop.OkAsync($"/api/stores/{shop.StoreId}/policies/priority-sla-targets", new { priority = "Urgent", firstReplySeconds = 120, resolutionMinutes = 240 }, supervisor);
        Assert.Equal("store-priority-sla-targets-set", Events(set)[0].GetProperty("type").GetString());
        var zero = await supervisor.PostAsJsonAsync($"/api/stores/{shop.StoreId}/policies/priority-sla-targets", new { priority = "Vip", firstReplySeconds = 0, resolutionMinutes = 30 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, zero.StatusCode);
        Assert.Equal("store.sla-invalid", (await zero.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString());

        var rates = await Eventually.Json(host.Client, $"/api/stores/{shop.StoreId}/metrics/reply-rate-by-priority",
            r => r.ValueKind == JsonValueKind.Array && r.GetArrayLength() == 3, because: "the figures per priority");

        Assert.Equal([("vip", 60), ("urgent", 120), ("normal", 180)],
            rates.EnumerateArray().Select(r => (r.GetProperty("priority").GetString(), r.GetProperty("targetSeconds").GetInt32())).ToList());
        var everyStore = await host.Client.GetAsync("/api/stores/*/metrics/reply-rate-by-priority");
        Assert.Equal(HttpStatusCode.BadRequest, everyStore.StatusCode);
    }

    [Fact]
    public async Task Only_supervisors_of_the_store_set_the_vip_rule_member_levels_and_targets()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var agent = host.As(Roles.Agent, shop.StoreId);
        var otherStoresSupervisor = host.As(Roles.Supervisor, NewId("st-"));

        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync($"/api/stores/{shop.StoreId}/policies/vip-rule", new { minPaidLast12Months = 100m })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync($"/api/stores/{shop.StoreId}/policies/member-levels/cust-1", new { level = "gold" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync($"/api/stores/{shop.StoreId}/policies/priority-sla-targets", new { priority = "Vip", firstReplySeconds = 30, resolutionMinutes = 20 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherStoresSupervisor.PostAsJsonAsync($"/api/stores/{shop.StoreId}/policies/vip-rule", new { minPaidLast12Months = 100m })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherStoresSupervisor.PostAsJsonAsync($"/api/stores/{shop.StoreId}/policies/member-levels/cust-1", new { level = "gold" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherStoresSupervisor.GetAsync($"/api/stores/{shop.StoreId}/metrics/reply-rate-by-priority")).StatusCode);
    }

    public static TheoryData<string, string, object> OutOfLimits => new()
    {
        { "policies/vip-rule", "minPaidLast12Months", new { minPaidLast12Months = -1m } },
        { "policies/vip-rule", "minPaidLast12Months", new { minPaidLast12Months = 1_000_000_001m } },
        { "policies/vip-rule", "memberLevels[0]", new { memberLevels = new[] { new string('g', 101) } } },
        { "policies/vip-rule", "memberLevels[0]", new { memberLevels = new[] { "go\u0000ld" } } },
        { "policies/vip-rule", "memberLevels", new { memberLevels = Enumerable.Repeat("gold", 51).ToArray() } },
        { "policies/member-levels/cust-1", "level", new { level = new string('g', 101) } },
        { "policies/member-levels/cust-1", "level", new { level = "go\u0000ld" } },
        { "policies/priority-sla-targets", "resolutionMinutes", new { priority = "Vip", firstReplySeconds = 30, resolutionMinutes = 365 * 24 * 60 + 1 } },
        { "policies/priority-sla-targets", "firstReplySeconds", new { priority = "Vip", firstReplySeconds = 7 * 86_400 + 1, resolutionMinutes = 30 } },
        { "policies/priority-sla-targets", "priority", new { priority = "Platinum", firstReplySeconds = 30, resolutionMinutes = 30 } },
    };

    [Theory]
    [MemberData(nameof(OutOfLimits))]
    public async Task Input_out_of_its_limits_is_a_400_naming_the_field(string path, string field, object body)
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);

        var response = await host.Client.PostAsJsonAsync($"/api/stores/{shop.StoreId}/{path}", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unknown_urgency_is_a_400_naming_the_field()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var id = NewId("cv-");

        var start = await host.Client.PostAsJsonAsync($"/api/conversations/{id}", new { storeId = shop.StoreId, customerId = "cust-1", channel = "chat", urgency = "Soon" });
        await shop.OkAsync($"/api/conversations/{id}", new { storeId = shop.StoreId, customerId = "cust-1", channel = "chat" });
        var later = await host.Client.PostAsJsonAsync($"/api/conversations/{id}/urgency", new { urgency = "Soon" });

        foreach (var response in new[] { start, later })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("urgency", out _), await response.Content.ReadAsStringAsync());
        }
    }
}
