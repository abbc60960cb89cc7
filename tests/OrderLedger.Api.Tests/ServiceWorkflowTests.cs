using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrderLedger.Hosting;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>
/// Service hours as an integrator sends them, who the ledger records as acting for an ingest connector, the bot
/// hand-off threshold, and an escalation's written resolution.
/// </summary>
public sealed class ServiceWorkflowTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task Service_hours_closing_at_24_00_are_recorded_as_closing_at_midnight()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);

        var set = await shop.OkAsync($"/api/stores/{shop.StoreId}/policies/service-hours", new { opens = "08:00", closes = "24:00", timeZone = "UTC" });

        var recorded = set.GetProperty("events")[0].GetProperty("data");
        Assert.Equal(("08:00:00", "00:00:00"), (recorded.GetProperty("opens").GetString(), recorded.GetProperty("closes").GetString()));
    }

    [Theory]
    [InlineData("00:00", "24:00")]
    [InlineData("00:00", "00:00")]
    [InlineData("09:30", "09:30")]
    public async Task Service_hours_round_the_clock_are_accepted(string opens, string closes)
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);

        await shop.OkAsync($"/api/stores/{shop.StoreId}/policies/service-hours", new { opens, closes, timeZone = "Asia/Shanghai" });
    }

    [Fact]
    public async Task Service_hours_past_midnight_are_accepted()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);

        var set = await shop.OkAsync($"/api/stores/{shop.StoreId}/policies/service-hours", new { opens = "20:00", closes = "02:00", timeZone = "UTC" });

        Assert.Equal("store-service-hours-set", set.GetProperty("events")[0].GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("25:00")]
    [InlineData("8 o'clock")]
    [InlineData("24:30")]
    public async Task A_time_of_day_that_is_not_one_is_a_400_naming_the_field_and_the_format(string closes)
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);

        var response = await host.Client.PostAsJsonAsync($"/api/stores/{shop.StoreId}/policies/service-hours", new { opens = "08:00", closes, timeZone = "UTC" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var message = problem.GetProperty("errors").GetProperty("closes")[0].GetString();
        Assert.Contains("HH:mm", message, StringComparison.Ordinal);
        Assert.Contains("24:00", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_ingest_connector_records_customer_messages_as_the_customer_bot_replies_as_the_bot_and_agents_stay_agents()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var ingest = host.As(Roles.Ingest, shop.StoreId);
        var agent = host.As(Roles.Agent, shop.StoreId);
        var id = "cv-" + Guid.NewGuid().ToString("N")[..10];

        await shop.OkAsync($"/api/conversations/{id}", new { storeId = shop.StoreId, customerId = "cust-1", channel = "chat", botEnabled = true }, ingest);
        await shop.OkAsync($"/api/conversations/{id}/messages", new { text = "where is my parcel?" }, ingest);
        await shop.OkAsync($"/api/conversations/{id}/bot-replies", new { text = "Let me check." }, ingest);
        await shop.OkAsync($"/api/conversations/{id}/handoff", new { reason = "asked for a human" }, ingest);
        await shop.OkAsync($"/api/conversations/{id}/bot-replies", new { text = "An agent is on the way." }, ingest);
        await shop.OkAsync($"/api/conversations/{id}/assignment", new { }, agent);
        await shop.OkAsync($"/api/conversations/{id}/agent-replies", new { text = "It left today." }, agent);
        await shop.OkAsync($"/api/conversations/{id}/resolution", new { resolvedBy = "customer" }, ingest);

        var actors = await ActorKindsAsync($"conversation-{id}");

        Assert.Equal(
            [
                ("conversation-started", "customer"),
                ("conversation-customer-message-received", "customer"),
                ("conversation-bot-replied", "bot"),
                ("conversation-handed-off", "bot"),
                ("conversation-bot-replied", "bot"),
                ("conversation-agent-assigned", "agent"),
                ("conversation-agent-replied", "agent"),
                ("conversation-resolved", "customer"),
            ],
            actors);
    }

    [Fact]
    public async Task A_repeat_complaint_gets_a_written_resolution_the_customer_sees_in_the_transcript()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var supervisor = host.As(Roles.Supervisor, shop.StoreId);
        var (first, second) = ("cv-" + Guid.NewGuid().ToString("N")[..10], "cv-" + Guid.NewGuid().ToString("N")[..10]);
        await shop.OkAsync($"/api/conversations/{first}", new { storeId = shop.StoreId, customerId = "cust-1", channel = "chat", orderId = "o-vase" });
        var repeat = await shop.OkAsync($"/api/conversations/{second}", new { storeId = shop.StoreId, customerId = "cust-1", channel = "chat", orderId = "o-vase", unresolvedAboutSameOrder = new[] { first } });
        Assert.Contains(repeat.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "conversation-escalated");

        var written = await shop.OkAsync($"/api/conversations/{second}/escalation-resolution",
            new { resolution = "We re-send the vase by express.", compensation = "20 CNY coupon", improvement = "Fragile items are packed in foam." }, supervisor);

        var data = written.GetProperty("events")[0].GetProperty("data");
        Assert.Equal("conversation-escalation-resolution-written", written.GetProperty("events")[0].GetProperty("type").GetString());
        Assert.Equal("20 CNY coupon", data.GetProperty("compensation").GetString());
        Assert.False(string.IsNullOrEmpty(data.GetProperty("writtenBy").GetString())); // the caller signs it
        var transcript = await host.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{second}/messages");
        var entry = transcript.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("kind").GetString() == "written-resolution");
        Assert.Contains("Compensation: 20 CNY coupon", entry.GetProperty("text").GetString(), StringComparison.Ordinal);

        var again = await supervisor.PostAsJsonAsync($"/api/conversations/{second}/escalation-resolution", new { resolution = "x", improvement = "y" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var notEscalated = await supervisor.PostAsJsonAsync($"/api/conversations/{first}/escalation-resolution", new { resolution = "x", improvement = "y" });
        Assert.Equal(HttpStatusCode.Conflict, notEscalated.StatusCode);
        Assert.Equal("conversation.not-escalated", (await notEscalated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString());
    }

    [Fact]
    public async Task A_second_open_contact_about_no_order_within_seven_days_is_escalated_and_an_older_one_is_not()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var customer = "cust-" + Guid.NewGuid().ToString("N")[..8];
        var (old, first, second) = ("cv-" + Guid.NewGuid().ToString("N")[..10], "cv-" + Guid.NewGuid().ToString("N")[..10], "cv-" + Guid.NewGuid().ToString("N")[..10]);
        var now = DateTimeOffset.UtcNow;
        await shop.OkAsync($"/api/conversations/{old}", new { storeId = shop.StoreId, customerId = customer, channel = "chat", occurredAt = now.AddDays(-8) });
        var firstStart = await shop.OkAsync($"/api/conversations/{first}", new { storeId = shop.StoreId, customerId = customer, channel = "chat", occurredAt = now.AddDays(-2) });
        Assert.DoesNotContain(firstStart.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "conversation-escalated");
        await Eventually.Get(
            () => host.Client.GetAsync($"/api/conversations/{first}"), r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "the first contact in the read model");

        var repeat = await shop.OkAsync($"/api/conversations/{second}", new { storeId = shop.StoreId, customerId = customer, channel = "wechat" });

        var escalated = repeat.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("type").GetString() == "conversation-escalated").GetProperty("data");
        Assert.Equal([first], escalated.GetProperty("relatedConversationIds").EnumerateArray().Select(id => id.GetString()!).ToArray());
    }

    [Fact]
    public async Task A_connector_cannot_sign_a_written_resolution_and_an_incomplete_one_names_its_field()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var id = "cv-" + Guid.NewGuid().ToString("N")[..10];
        await shop.OkAsync($"/api/conversations/{id}", new { storeId = shop.StoreId, customerId = "cust-1", channel = "chat" });
        await shop.OkAsync($"/api/conversations/{id}/escalation", new { reason = "complaint" });

        var byConnector = await host.As(Roles.Ingest, shop.StoreId).PostAsJsonAsync($"/api/conversations/{id}/escalation-resolution", new { resolution = "x", improvement = "y" });
        Assert.Equal(HttpStatusCode.Forbidden, byConnector.StatusCode);

        var incomplete = await host.Client.PostAsJsonAsync($"/api/conversations/{id}/escalation-resolution", new { resolution = "We re-send it." });
        Assert.Equal(HttpStatusCode.BadRequest, incomplete.StatusCode);
        Assert.True((await incomplete.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("improvement", out _));

        var tooLong = await host.Client.PostAsJsonAsync($"/api/conversations/{id}/escalation-resolution", new { resolution = new string('x', 4_001), improvement = "y" });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.True((await tooLong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("resolution", out _));

        var events = (await host.Client.GetFromJsonAsync<JsonElement>($"/api/streams/conversation-{id}")).GetProperty("events").EnumerateArray()
            .Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.DoesNotContain("conversation-escalation-resolution-written", events);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(3_601)]
    public async Task A_bot_hand_off_threshold_outside_ten_seconds_to_an_hour_is_refused(int seconds)
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);

        var response = await host.Client.PostAsJsonAsync($"/api/stores/{shop.StoreId}/policies/bot-hand-off", new { seconds });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("store.bot-hand-off-out-of-range", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString());
    }

    [Fact]
    public async Task A_supervisor_sets_the_bot_hand_off_threshold_and_an_agent_cannot()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);

        var set = await shop.OkAsync($"/api/stores/{shop.StoreId}/policies/bot-hand-off", new { seconds = 60 }, host.As(Roles.Supervisor, shop.StoreId));
        Assert.Equal(60, set.GetProperty("events")[0].GetProperty("data").GetProperty("seconds").GetInt32());

        var byAgent = await host.As(Roles.Agent, shop.StoreId).PostAsJsonAsync($"/api/stores/{shop.StoreId}/policies/bot-hand-off", new { seconds = 30 });
        Assert.Equal(HttpStatusCode.Forbidden, byAgent.StatusCode);
    }

    private async Task<List<(string Type, string Kind)>> ActorKindsAsync(string streamId)
    {
        var stream = await host.Client.GetFromJsonAsync<JsonElement>($"/api/streams/{streamId}");
        return [.. stream.GetProperty("events").EnumerateArray().Select(e =>
            (e.GetProperty("type").GetString()!, e.GetProperty("metadata").GetProperty("actor").GetProperty("kind").GetString()!.ToLowerInvariant()))];
    }
}
