using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrderLedger.Hosting;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>Service hours as an integrator sends them, and who the ledger records as acting for an ingest connector.</summary>
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

    private async Task<List<(string Type, string Kind)>> ActorKindsAsync(string streamId)
    {
        var stream = await host.Client.GetFromJsonAsync<JsonElement>($"/api/streams/{streamId}");
        return [.. stream.GetProperty("events").EnumerateArray().Select(e =>
            (e.GetProperty("type").GetString()!, e.GetProperty("metadata").GetProperty("actor").GetProperty("kind").GetString()!.ToLowerInvariant()))];
    }
}
