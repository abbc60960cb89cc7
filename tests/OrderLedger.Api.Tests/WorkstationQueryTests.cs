using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrderLedger.Hosting;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>
/// What the agents' workstation reads (issue 17): the search across the token's stores, the buyer's profile, a
/// conversation's whole transcript, and a 403 that names the roles that may.
/// </summary>
public sealed class WorkstationQueryTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static async Task<string> OrderShippedToAsync(Scenario shop, string customerId, string name, string? phone, bool paid = false)
    {
        var orderId = "Ord-" + Guid.NewGuid().ToString("N")[..10];
        await shop.OkAsync($"/api/orders/{orderId}", new
        {
            storeId = shop.StoreId, customerId, channel = "web", currency = "EUR", paymentDueAt = DateTimeOffset.UtcNow.AddHours(1),
            lines = new[] { new { sku = "SKU-1", quantity = 1, unitPrice = 10.0m, barcode = "B-1" } },
            shippingAddress = new { name, line1 = "88 Nanjing Rd", city = "Shanghai", postalCode = "200001", region = "north", country = "CN", phone },
        });
        if (paid)
        {
            await shop.OkAsync($"/api/orders/{orderId}/payments", new { amount = 10.0m, currency = "EUR", paymentReference = "pay-" + orderId });
        }

        return orderId;
    }

    private static Task<JsonElement> SearchAsync(HttpClient client, string q, int expected) =>
        Eventually.Get(
            () => client.GetFromJsonAsync<JsonElement>($"/api/customers?q={Uri.EscapeDataString(q)}"),
            found => found.GetArrayLength() == expected,
            TimeSpan.FromSeconds(30),
            $"{expected} customers for '{q}'");

    private static string[] Customers(JsonElement hits) => [.. hits.EnumerateArray().Select(h => h.GetProperty("customerId").GetString()!)];

    [Fact]
    public async Task The_search_finds_by_name_phone_in_any_form_order_id_ignoring_case_and_tracking_number_in_the_token_s_stores_only()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var other = await Scenario.StoreWithStockAsync(host.Client);
        var zhang = "cust-zhang-" + shop.StoreId;
        var orderId = await OrderShippedToAsync(shop, zhang, "张伟", "16573147273", paid: true);
        await OrderShippedToAsync(shop, "cust-li-" + shop.StoreId, "李娜", "+86 138-0013-8000");
        await OrderShippedToAsync(other, "cust-zhang-of-other", "张伟", "16573147273");
        var shipmentId = "sh-" + orderId;
        await shop.OkAsync($"/api/shipments/{shipmentId}", new
        {
            orderId, storeId = shop.StoreId, warehouseId = shop.WarehouseId, shippingAddress = Scenario.Address,
            lines = new[] { new { sku = "SKU-1", quantity = 1, barcode = "B-1" } },
        });
        await shop.OkAsync($"/api/shipments/{shipmentId}/picked", new { });
        await shop.OkAsync($"/api/shipments/{shipmentId}/packed", new { scannedBarcodes = new[] { "B-1" }, weightGrams = 300 });
        await shop.OkAsync($"/api/shipments/{shipmentId}/handover", new { carrier = "SF", trackingNumber = "SF1234567890" + shop.StoreId });
        var agent = host.As(Roles.Agent, shop.StoreId);

        var byTracking = await SearchAsync(agent, ("SF1234567890" + shop.StoreId).ToLowerInvariant(), 1);
        Assert.Equal([zhang], Customers(byTracking));
        Assert.Equal(["tracking"], byTracking[0].GetProperty("matchedBy").EnumerateArray().Select(m => m.GetString()));
        foreach (var phone in new[] { "+86 165-7314-7273", "165 7314 7273", "86-16573147273", "7273", "(165) 7314 7273" })
        {
            Assert.Equal([zhang], Customers(await SearchAsync(agent, phone, 1)));
        }

        Assert.Equal(["cust-li-" + shop.StoreId], Customers(await SearchAsync(agent, "13800138000", 1)));
        Assert.Equal([zhang], Customers(await SearchAsync(agent, orderId.ToUpperInvariant(), 1)));
        var byName = await SearchAsync(agent, "张", 1);
        Assert.Equal("张伟", byName[0].GetProperty("name").GetString());
        Assert.Equal(shop.StoreId, byName[0].GetProperty("storeId").GetString());
        Assert.Equal([zhang], Customers(await SearchAsync(agent, zhang, 1)));
        Assert.Empty(Customers(await SearchAsync(agent, "nobody-at-all", 0)));
        Assert.Empty(Customers(await SearchAsync(agent, "cust-zhang-of-other", 0)));

        var both = await SearchAsync(host.As(Roles.Agent, shop.StoreId, other.StoreId), "张伟", 2);
        Assert.Equal(new[] { other.StoreId, shop.StoreId }.Order(), both.EnumerateArray().Select(h => h.GetProperty("storeId").GetString()).Order());
    }

    [Theory]
    [InlineData("", "q")]
    [InlineData("q=%20", "q")]
    [InlineData("q=a%00b", "q")]
    [InlineData("q=ann&limit=0", "limit")]
    public async Task A_search_without_usable_text_is_a_400_naming_the_field(string query, string field)
    {
        var response = await host.As(Roles.Agent, "s1").GetAsync($"/api/customers?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _), field);
    }

    [Fact]
    public async Task A_search_text_over_100_characters_is_a_400_naming_q()
    {
        var response = await host.As(Roles.Agent, "s1").GetAsync($"/api/customers?q={new string('a', 101)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("q", out _));
    }

    [Fact]
    public async Task The_profile_shows_the_latest_name_phone_address_and_what_was_paid_and_an_unknown_customer_is_404()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        await OrderShippedToAsync(shop, "cust-wang", "王芳", "+86 139 0000 1111", paid: true);
        await OrderShippedToAsync(shop, "cust-wang", "王芳 (office)", "+86 139 0000 2222", paid: true);
        var agent = host.As(Roles.Agent, shop.StoreId);

        var profile = await Eventually.Json(
            agent, $"/api/stores/{shop.StoreId}/customers/cust-wang/profile",
            p => p.GetProperty("orders").GetInt32() == 2 && p.GetProperty("totals")[0].GetProperty("paid").GetDecimal() == 20.0m,
            TimeSpan.FromSeconds(30),
            "both orders paid in the profile");

        Assert.Equal("王芳 (office)", profile.GetProperty("name").GetString());
        Assert.Equal("+86 139 0000 2222", profile.GetProperty("phone").GetString());
        Assert.Equal("88 Nanjing Rd, 200001 Shanghai, north, CN", profile.GetProperty("address").GetString());
        Assert.Equal("EUR", profile.GetProperty("totals")[0].GetProperty("currency").GetString());
        Assert.Equal(0, profile.GetProperty("conversations").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/api/stores/{shop.StoreId}/customers/no-such-customer/profile")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.As(Roles.Agent, "another-store").GetAsync($"/api/stores/{shop.StoreId}/customers/cust-wang/profile")).StatusCode);
    }

    [Fact]
    public async Task The_profile_gives_the_buyer_s_tier_under_the_store_s_vip_rule_by_net_paid_in_12_months_or_by_member_level()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        await shop.OkAsync($"/api/stores/{shop.StoreId}/policies/vip-rule", new { minPaidLast12Months = 15m, memberLevels = new[] { "gold" } });
        await shop.OkAsync($"/api/stores/{shop.StoreId}/policies/member-levels/cust-gold", new { level = "gold" });
        await OrderShippedToAsync(shop, "cust-big", "Big Spender", null, paid: true);
        await OrderShippedToAsync(shop, "cust-big", "Big Spender", null, paid: true);
        await OrderShippedToAsync(shop, "cust-small", "Small Spender", null, paid: true);
        await OrderShippedToAsync(shop, "cust-gold", "Gold Member", null);
        var agent = host.As(Roles.Agent, shop.StoreId);

        Task<JsonElement> StandingAsync(string customer, int orders, decimal paid) => Eventually.Json(
            agent, $"/api/stores/{shop.StoreId}/customers/{customer}/profile",
            p => p.GetProperty("orders").GetInt32() == orders && p.GetProperty("totals")[0].GetProperty("paid").GetDecimal() == paid,
            TimeSpan.FromSeconds(30),
            $"{customer}'s orders and payments in the profile");

        var big = (await StandingAsync("cust-big", 2, 20m)).GetProperty("standing");
        var small = (await StandingAsync("cust-small", 1, 10m)).GetProperty("standing");
        var gold = (await StandingAsync("cust-gold", 1, 0m)).GetProperty("standing");

        Assert.Equal(("vip", 20.0m, 15m), (big.GetProperty("tier").GetString(), big.GetProperty("paidLast12Months").GetDecimal(), big.GetProperty("vipMinPaidLast12Months").GetDecimal()));
        Assert.Equal(("regular", 10.0m), (small.GetProperty("tier").GetString(), small.GetProperty("paidLast12Months").GetDecimal()));
        Assert.Equal(("vip", "gold", 0m), (gold.GetProperty("tier").GetString(), gold.GetProperty("memberLevel").GetString(), gold.GetProperty("paidLast12Months").GetDecimal()));
        Assert.Equal(["gold"], gold.GetProperty("vipMemberLevels").EnumerateArray().Select(l => l.GetString()));
    }

    [Fact]
    public async Task The_profile_lists_the_tags_of_the_buyer_s_conversations_latest_classifications_in_the_token_s_stores_most_frequent_first()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var other = await Scenario.StoreWithStockAsync(host.Client);
        var buyer = "cust-tags-" + shop.StoreId;
        var agent = host.As(Roles.Agent, shop.StoreId, other.StoreId);
        async Task ClassifiedAsync(Scenario store, string customerId, params string[] tags)
        {
            var id = "cv-" + Guid.NewGuid().ToString("N")[..10];
            await store.OkAsync($"/api/conversations/{id}", new { storeId = store.StoreId, customerId, channel = "chat" }, agent);
            await store.OkAsync($"/api/conversations/{id}/classification", new { category = "Logistics", isComplaint = false, tags = new[] { "stale" } }, agent);
            await store.OkAsync($"/api/conversations/{id}/classification", new { category = "Logistics", isComplaint = true, tags }, agent);
        }

        await ClassifiedAsync(shop, buyer, "logistics", "late");
        await ClassifiedAsync(shop, buyer, "logistics");
        await ClassifiedAsync(other, buyer, "logistics", "damaged");
        await ClassifiedAsync(shop, buyer);
        await ClassifiedAsync(shop, "cust-someone-else-" + shop.StoreId, "late", "noise");

        static string[] Tags(JsonElement profile) =>
            [.. profile.GetProperty("tags").EnumerateArray().Select(t => $"{t.GetProperty("tag").GetString()} ×{t.GetProperty("conversations").GetInt32()}")];

        // Every conversation passes through a "stale" classification first: wait for the last one's latest, not its first.
        string[] expected = ["logistics ×3", "damaged ×1", "late ×1"];
        var both = await Eventually.Json(
            agent, $"/api/stores/{shop.StoreId}/customers/{buyer}/profile",
            p => p.GetProperty("conversations").GetInt32() == 3 && Tags(p).SequenceEqual(expected),
            TimeSpan.FromSeconds(30),
            "the buyer's latest classifications in the profile");
        var oneStore = await host.As(Roles.Agent, shop.StoreId).GetFromJsonAsync<JsonElement>($"/api/stores/{shop.StoreId}/customers/{buyer}/profile");

        Assert.Equal(expected, Tags(both));
        Assert.Equal(["logistics ×2", "late ×1"], Tags(oneStore));
    }

    [Fact]
    public async Task An_agent_reads_a_conversation_s_whole_transcript_of_its_store_only_and_a_403_names_the_roles_that_may()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var conversationId = "cv-" + Guid.NewGuid().ToString("N")[..10];
        var agent = host.As(Roles.Agent, shop.StoreId);
        var longQuestion = "我的包裹在哪里？" + new string('x', 300);
        await shop.OkAsync($"/api/conversations/{conversationId}", new { storeId = shop.StoreId, customerId = "cust-chat", channel = "chat" }, agent);
        await shop.OkAsync($"/api/conversations/{conversationId}/messages", new { text = longQuestion }, agent);
        await shop.OkAsync($"/api/conversations/{conversationId}/assignment", new { }, agent);
        await shop.OkAsync($"/api/conversations/{conversationId}/agent-replies", new { text = "It left the warehouse today." }, agent);

        var transcript = await agent.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}/messages");

        Assert.Equal(shop.StoreId, transcript.GetProperty("storeId").GetString());
        var entries = transcript.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(["started", "customer", "assigned", "agent"], entries.Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal(longQuestion, entries[1].GetProperty("text").GetString());
        Assert.Equal("agent-user", entries[2].GetProperty("author").GetString());
        Assert.Equal("It left the warehouse today.", entries[3].GetProperty("text").GetString());
        var elsewhere = await host.As(Roles.Agent, "another-store").GetAsync($"/api/conversations/{conversationId}/messages");
        Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
        Assert.DoesNotContain("包裹", await elsewhere.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync("/api/conversations/no-such-conversation/messages")).StatusCode);

        var history = await agent.GetAsync($"/api/history/conversation-{conversationId}");
        Assert.Equal(HttpStatusCode.Forbidden, history.StatusCode);
        var problem = await history.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal([Roles.Auditor, Roles.Supervisor, Roles.Data, Roles.Admin], problem.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.False(problem.GetProperty("allStores").GetBoolean());
        var projections = await (await agent.GetAsync("/api/projections")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(projections.GetProperty("allStores").GetBoolean());
    }
}
