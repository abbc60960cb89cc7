using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrderLedger.Hosting;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>What the web pages need from the host: the pages themselves, the session behind sign-in, and daily NPS for the chart.</summary>
public sealed class WebSupportTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Theory]
    [InlineData("/", "Sign in")]
    [InlineData("/console.html", "Agent console")]
    [InlineData("/dashboard.html", "Service dashboard")]
    [InlineData("/projections.html", "Projections")]
    [InlineData("/audit.html", "Audit")]
    public async Task The_pages_are_served_without_a_token_and_may_only_load_from_this_host(string path, string title)
    {
        var response = await host.Anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"<title>{title}", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_favicon_is_served_as_an_icon_without_a_token()
    {
        var response = await host.Anonymous.GetAsync("/favicon.ico");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/x-icon", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(new byte[] { 0, 0, 1, 0 }, (await response.Content.ReadAsByteArrayAsync())[..4]);
    }

    [Fact]
    public async Task The_session_names_the_token_s_subject_roles_and_stores()
    {
        var session = await host.As(Roles.Agent, "s2", "s1").GetFromJsonAsync<JsonElement>("/api/session");

        Assert.Equal("agent-user", session.GetProperty("subject").GetString());
        Assert.Equal(["agent"], session.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.False(session.GetProperty("allStores").GetBoolean());
        Assert.Equal(["s1", "s2"], session.GetProperty("stores").EnumerateArray().Select(s => s.GetString()));
        Assert.True(session.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Anonymous.GetAsync("/api/session")).StatusCode);
    }

    [Fact]
    public async Task A_token_for_every_store_is_offered_the_stores_the_read_models_know()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);

        var session = await Eventually.Get(
            () => host.As(Roles.Admin).GetFromJsonAsync<JsonElement>("/api/session"),
            s => s.GetProperty("stores").EnumerateArray().Any(id => id.GetString() == shop.StoreId),
            TimeSpan.FromSeconds(30),
            "the new store is known");

        Assert.True(session.GetProperty("allStores").GetBoolean());
    }

    [Fact]
    public async Task Daily_NPS_has_one_entry_per_store_local_day_and_needs_from_and_to()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var conversationId = "cv-" + Guid.NewGuid().ToString("N")[..8];
        var at = DateTimeOffset.UtcNow.AddSeconds(-40); // today, and every step before now
        await shop.OkAsync($"/api/conversations/{conversationId}", new { storeId = shop.StoreId, customerId = "c1", channel = "email", occurredAt = at });
        await shop.OkAsync($"/api/conversations/{conversationId}/resolution", new { occurredAt = at.AddSeconds(10) });
        await shop.OkAsync($"/api/conversations/{conversationId}/nps-survey", new { occurredAt = at.AddSeconds(20) });
        await shop.OkAsync($"/api/conversations/{conversationId}/nps-answer", new { score = 9, occurredAt = at.AddSeconds(30) });
        var supervisor = host.As(Roles.Supervisor, shop.StoreId);
        var today = DateOnly.FromDateTime(DateTime.UtcNow); // the store is in UTC
        var path = $"/api/stores/{shop.StoreId}/metrics/nps-daily?from={today.AddDays(-2):yyyy-MM-dd}&to={today:yyyy-MM-dd}";

        var days = await Eventually.Get(
            () => supervisor.GetFromJsonAsync<JsonElement>(path),
            d => d[2].GetProperty("figures").GetProperty("promoters").GetInt64() == 1,
            TimeSpan.FromSeconds(30),
            "today's answer is counted");

        Assert.Equal(3, days.GetArrayLength());
        Assert.Equal(today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), days[2].GetProperty("day").GetString());
        Assert.Equal(100.0, days[2].GetProperty("figures").GetProperty("score").GetDouble());
        Assert.Equal(JsonValueKind.Null, days[0].GetProperty("figures").GetProperty("score").ValueKind);
        var noWindow = await supervisor.GetAsync($"/api/stores/{shop.StoreId}/metrics/nps-daily");
        Assert.Equal(HttpStatusCode.BadRequest, noWindow.StatusCode);
        Assert.True((await noWindow.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("from", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await host.As(Roles.Supervisor, "other").GetAsync(path)).StatusCode);
    }
}
