using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrderLedger.Domain;
using OrderLedger.EventStore;
using OrderLedger.Hosting;
using OrderLedger.ReadModels;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>
/// The <c>store_policies</c> read model (issue 17): what a customer's standing needs of the store — the VIP rule, the
/// member levels — built from the store's commands; and a rule set while the read model is behind still decides the
/// next conversation's priority and the buyer's tier (read-your-writes).
/// </summary>
public sealed class StorePolicyReadModelTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    private StorePolicyQueries Policies => host.Services.GetRequiredService<StorePolicyQueries>();

    private async Task<long> StreamRevisionAsync(string storeId)
    {
        long revision = -1;
        await foreach (var e in host.Services.GetRequiredService<IEventStore>().ReadStreamAsync(StreamIds.Store(storeId), StreamReadOptions.Last(1)))
        {
            revision = (long)e.Revision;
        }

        return revision;
    }

    /// <summary>The customer's facts once the read model has applied every event of the store's stream.</summary>
    private async Task<StorePolicyFacts> CurrentAsync(string storeId, string customerId)
    {
        var revision = await StreamRevisionAsync(storeId);
        return (await Eventually.Get(
            () => Policies.GetForCustomerAsync(storeId, customerId),
            facts => facts?.StreamRevision == revision,
            TimeSpan.FromSeconds(30),
            $"store_policies at revision {revision} of store {storeId}"))!;
    }

    private static string? PriorityOf(JsonElement answer) =>
        answer.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("type").GetString() == "conversation-priority-set")
            .Select(e => e.GetProperty("data").GetProperty("priority").GetString()).SingleOrDefault();

    [Fact]
    public async Task The_read_model_holds_the_store_s_vip_rule_and_each_customer_s_member_level_as_of_the_store_s_newest_event()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var supervisor = host.As(Roles.Supervisor, shop.StoreId);
        var (gold, former, nobody) = (NewId("cust-"), NewId("cust-"), NewId("cust-"));
        Assert.Equal(((decimal?)null, ""), VipRuleOf(await CurrentAsync(shop.StoreId, gold)));   // registered, no rule yet

        await shop.OkAsync($"/api/stores/{shop.StoreId}/policies/vip-rule", new { minPaidLast12Months = 50m, memberLevels = new[] { "gold", "platinum" } }, supervisor);
        await shop.OkAsync($"/api/stores/{shop.StoreId}/policies/member-levels/{gold}", new { level = "gold" }, supervisor);
        await shop.OkAsync($"/api/stores/{shop.StoreId}/policies/member-levels/{former}", new { level = "silver" }, supervisor);
        await shop.OkAsync($"/api/stores/{shop.StoreId}/policies/member-levels/{former}", new { }, supervisor);
        var goldFacts = await CurrentAsync(shop.StoreId, gold);

        Assert.Equal(((decimal?)50m, "gold,platinum"), VipRuleOf(goldFacts));
        Assert.Equal("gold", goldFacts.MemberLevel);
        Assert.Null((await CurrentAsync(shop.StoreId, former)).MemberLevel);
        Assert.Null((await CurrentAsync(shop.StoreId, nobody)).MemberLevel);

        // Any other store event moves the revision on and leaves the rule as it was; a rule without an amount clears it.
        await shop.OkAsync($"/api/stores/{shop.StoreId}/policies/bot-hand-off", new { seconds = 90 }, supervisor);
        Assert.Equal(((decimal?)50m, "gold,platinum"), VipRuleOf(await CurrentAsync(shop.StoreId, gold)));
        await shop.OkAsync($"/api/stores/{shop.StoreId}/policies/vip-rule", new { memberLevels = new[] { "platinum" } }, supervisor);
        var after = await CurrentAsync(shop.StoreId, gold);
        Assert.Equal(((decimal?)null, "platinum"), VipRuleOf(after));
        Assert.Equal("gold", after.MemberLevel);
        Assert.Null(await Policies.GetForCustomerAsync(NewId("st-"), gold));       // a store it knows nothing of
    }

    private static (decimal?, string) VipRuleOf(StorePolicyFacts facts) => (facts.VipRule.MinPaidLast12Months, string.Join(",", facts.VipRule.MemberLevels));

    [Fact]
    public async Task A_rule_and_level_set_while_the_read_model_is_held_back_decide_the_next_conversation_s_priority_and_the_buyer_s_tier()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var supervisor = host.As(Roles.Supervisor, shop.StoreId);
        var platinum = NewId("cust-");
        await shop.PlaceOrderAsync(platinum);
        await shop.OkAsync($"/api/stores/{shop.StoreId}/policies/vip-rule", new { memberLevels = new[] { "gold" } }, supervisor);
        await CurrentAsync(shop.StoreId, platinum);

        // Writes to the read model wait behind the lock; reads go on.
        await using var owner = new NpgsqlConnection(host.OwnerConnectionString);
        await owner.OpenAsync();
        await using var hold = await owner.BeginTransactionAsync();
        await using (var lockIt = new NpgsqlCommand("LOCK TABLE rm.store_policies IN SHARE MODE", owner, hold))
        {
            await lockIt.ExecuteNonQueryAsync();
        }

        await shop.OkAsync($"/api/stores/{shop.StoreId}/policies/vip-rule", new { memberLevels = new[] { "gold", "platinum" } }, supervisor);
        await shop.OkAsync($"/api/stores/{shop.StoreId}/policies/member-levels/{platinum}", new { level = "platinum" }, supervisor);
        var start = await shop.OkAsync($"/api/conversations/{NewId("cv-")}", new { storeId = shop.StoreId, customerId = platinum, channel = "chat" });
        var profile = await host.As(Roles.Agent, shop.StoreId).GetFromJsonAsync<JsonElement>($"/api/stores/{shop.StoreId}/customers/{platinum}/profile");
        var held = await Policies.GetForCustomerAsync(shop.StoreId, platinum);

        Assert.NotNull(held);
        Assert.True(held.StreamRevision < await StreamRevisionAsync(shop.StoreId), "the read model is behind the store's stream");
        Assert.Equal(((string?)null, "gold"), (held.MemberLevel, string.Join(",", held.VipRule.MemberLevels)));
        Assert.Equal("Vip", PriorityOf(start));
        Assert.Equal(("vip", "platinum"), (profile.GetProperty("standing").GetProperty("tier").GetString(), profile.GetProperty("standing").GetProperty("memberLevel").GetString()));

        await hold.RollbackAsync();
        var caughtUp = await CurrentAsync(shop.StoreId, platinum);
        Assert.Equal(("platinum", "gold,platinum"), (caughtUp.MemberLevel, string.Join(",", caughtUp.VipRule.MemberLevels)));
    }
}
