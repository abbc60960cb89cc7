using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrderLedger.Hosting;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>The cockpit's scorecard and the alerts list: store checks, the store's own SLA as the target, the webhook never shown.</summary>
public sealed class CockpitEndpointTests(CockpitEndpointTests.WebhookHost host) : IClassFixture<CockpitEndpointTests.WebhookHost>
{
    public const string Store = "st-cockpit";
    private const string SecretKey = "secret-robot-key";

    public sealed class WebhookHost() : ApiHost(new Dictionary<string, string>
    {
        [$"Alerts:Stores:{Store}:Webhook:Url"] = $"http://127.0.0.1:9/cgi-bin/webhook/send?key={SecretKey}",
        [$"Alerts:Stores:{Store}:Webhook:Format"] = "WeCom",
        [$"Alerts:Stores:{Store}:Targets:Nps"] = "55",
    });

    [Fact]
    public async Task The_scorecard_holds_each_figure_to_the_stores_targets()
    {
        var admin = host.Client;
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/stores/{Store}", new { name = "Shop", timeZone = "UTC", currency = "EUR" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/stores/{Store}/policies/sla-targets",
            new { firstReplySeconds = 120, resolutionHours = 24, npsSurveyDelayDays = 7 })).StatusCode);
        var supervisor = host.As(Roles.Supervisor, Store);

        var card = await supervisor.GetFromJsonAsync<JsonElement>($"/api/stores/{Store}/scorecard");
        var figures = card.GetProperty("figures").EnumerateArray().ToDictionary(f => f.GetProperty("figure").GetString()!);

        Assert.Equal(120, figures["first-response-p90"].GetProperty("target").GetDouble());
        Assert.Equal(96, figures["queue-oldest-wait"].GetProperty("atRisk").GetDouble());
        Assert.Equal(55, figures["nps"].GetProperty("target").GetDouble());              // the store's own, over the default
        Assert.Equal(0.8, figures["reply-rate"].GetProperty("target").GetDouble());      // the default
        Assert.Equal("None", figures["reply-rate"].GetProperty("state").GetString());    // no inquiries: no state
        Assert.Equal("Ok", figures["queue-breached"].GetProperty("state").GetString());
        Assert.Equal("rolling 30 days", card.GetProperty("window").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await supervisor.GetAsync($"/api/stores/{Store}/scorecard?from=2026-01-02")).StatusCode);
    }

    [Fact]
    public async Task The_alerts_list_says_how_alerts_are_delivered_never_where()
    {
        var supervisor = host.As(Roles.Supervisor, Store);

        var response = await supervisor.GetAsync($"/api/stores/{Store}/alerts");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(SecretKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
        var alerts = JsonDocument.Parse(text).RootElement;
        Assert.Equal("wecom", alerts.GetProperty("webhook").GetString());
        Assert.Equal(0, alerts.GetProperty("open").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await supervisor.GetAsync($"/api/stores/{Store}/alerts?limit=0")).StatusCode);
    }

    [Fact]
    public async Task Another_stores_token_finds_neither()
    {
        var other = host.As(Roles.Supervisor, "st-other");

        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/stores/{Store}/alerts")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/stores/{Store}/scorecard")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.As(Roles.Admin).GetAsync("/api/stores/*/alerts")).StatusCode);
    }
}
