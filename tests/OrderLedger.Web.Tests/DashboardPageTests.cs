using System.Text.Json;
using Microsoft.Playwright;
using OrderLedger.Hosting;
using Xunit;
using static Microsoft.Playwright.Assertions;
using static OrderLedger.Web.Tests.Formats;

namespace OrderLedger.Web.Tests;

public sealed class DashboardPageTests(WebHost host) : IClassFixture<WebHost>
{
    private static double? Number(JsonElement e, string name) =>
        e.GetProperty(name) is { ValueKind: JsonValueKind.Number } n ? n.GetDouble() : null;

    /// <summary>The cells of the figures table as the page must write them, from the dashboard and queue answers of the API.</summary>
    private static Dictionary<string, string> Expected(JsonElement dashboard, int queue)
    {
        var cells = new Dictionary<string, string>();
        foreach (var (column, figures) in new[] { ("today", dashboard.GetProperty("todayFigures")), ("last30", dashboard.GetProperty("last30Days")) })
        {
            var reply = figures.GetProperty("replyRate");
            var nps = figures.GetProperty("nps");
            var flow = figures.GetProperty("orderFlow");
            var now = dashboard.GetProperty("todayFigures").GetProperty("orderFlow");
            cells[$"reply-rate.{column}"] = Percent(Number(reply, "rate"));
            cells[$"inquiries.{column}"] = $"{Count(reply.GetProperty("inTime").GetInt64())} / {Count(reply.GetProperty("late").GetInt64())} / {Count(reply.GetProperty("overdueUnanswered").GetInt64())}";
            cells[$"first-response-mean.{column}"] = Duration(Number(reply, "firstResponseMeanSeconds"));
            cells[$"queue-length.{column}"] = Count(queue);
            cells[$"nps.{column}"] = Score(Number(nps, "score"));
            cells[$"fcr.{column}"] = Percent(Number(figures.GetProperty("firstContactResolution"), "rate"));
            cells[$"dispute-rate.{column}"] = Percent(Number(figures.GetProperty("disputeRate"), "rate"));
            cells[$"orders.{column}"] = $"{Count(flow.GetProperty("placed").GetInt64())} / {Count(flow.GetProperty("paid").GetInt64())} / {Count(flow.GetProperty("cancelled").GetInt64())}";
            cells[$"parcels.{column}"] = $"{Count(flow.GetProperty("shipped").GetInt64())} / {Count(flow.GetProperty("delivered").GetInt64())}";
            cells[$"logistics-exceptions.{column}"] = Count(now.GetProperty("logisticsExceptionsOpen").GetInt64());
        }

        return cells;
    }

    private static async Task<Dictionary<string, string>> ShownAsync(IPage page, IEnumerable<string> keys)
    {
        var shown = new Dictionary<string, string>();
        foreach (var key in keys)
        {
            var cell = page.Locator($"[data-metric='{key}']");
            shown[key] = await cell.CountAsync() == 1 ? await cell.InnerTextAsync() : "(missing)";
        }

        return shown;
    }

    /// <summary>The page shows what the API answers (both read until they agree: the dashboard is live).</summary>
    private static async Task<Dictionary<string, string>> ShowsWhatTheApiAnswersAsync(IPage page, HttpClient client, string storeId)
    {
        Dictionary<string, string> expected = [], shown = [];
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var dashboard = await WebHost.GetAsync<JsonElement>(client, $"/api/stores/{storeId}/metrics/dashboard");
            var queue = await WebHost.GetAsync<JsonElement>(client, $"/api/stores/{storeId}/conversations/queue?limit=500");
            expected = Expected(dashboard, queue.GetArrayLength());
            shown = await ShownAsync(page, expected.Keys);
            if (expected.All(kv => shown[kv.Key] == kv.Value) || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(250);
        }

        Assert.Equal(expected, shown);
        return expected;
    }

    [Fact]
    public async Task The_dashboard_shows_the_store_s_figures_as_the_API_answers_them_and_charts_30_days()
    {
        var shop = await Shop.OpenAsync(host.Admin);
        var now = DateTimeOffset.UtcNow;
        var orderId = await shop.PaidOrderAsync("cust-1");
        var shipment = await shop.ShippedAsync(orderId);
        await shop.PostAsync($"/api/shipments/{shipment}/exceptions", new { kind = "Delayed", note = "storm" });
        var inTime = await shop.AnsweredConversationAsync("cust-1", orderId, now.AddMinutes(-30), 60);
        var late = await shop.AnsweredConversationAsync("cust-2", null, now.AddMinutes(-20), 400);
        await shop.NpsAnsweredAsync(inTime, 10, now.AddMinutes(-10));
        await shop.NpsAnsweredAsync(late, 3, now.AddMinutes(-9));
        await host.CaughtUpAsync();
        var supervisor = host.As(Roles.Supervisor, shop.StoreId);
        var page = await host.SignedInAsync(Roles.Supervisor, shop.StoreId);

        await page.GotoAsync("/dashboard.html");

        var figures = await ShowsWhatTheApiAnswersAsync(page, supervisor, shop.StoreId);
        Assert.Equal("50.0 %", figures["reply-rate.today"]); // one in time, one late: the API's own figure, not just the page's
        Assert.Equal("0.0", figures["nps.today"]); // one promoter, one detractor
        Assert.Equal("1", figures["logistics-exceptions.today"]);
        var series = page.Locator("#series tbody tr");
        await Expect(series).ToHaveCountAsync(30);
        var today = (await WebHost.GetAsync<JsonElement>(supervisor, $"/api/stores/{shop.StoreId}/metrics/dashboard")).GetProperty("today").GetString();
        await Expect(page.Locator($"#series tbody tr[data-day='{today}'] td")).ToHaveTextAsync(["50.0 %", "2", "0.0", "2"]);
        await Expect(page.Locator("#chart svg path[data-series='reply']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#chart svg circle")).ToHaveCountAsync(2); // one day with figures, two series
        await Screenshots.SaveAsync(page, "service-dashboard");
    }

    [Fact]
    public async Task New_orders_appear_on_the_open_dashboard_without_a_reload()
    {
        var shop = await Shop.OpenAsync(host.Admin);
        await shop.PaidOrderAsync("cust-1");
        await host.CaughtUpAsync();
        var page = await host.SignedInAsync(Roles.Agent, shop.StoreId);
        await page.GotoAsync("/dashboard.html");
        await Expect(page.Locator("[data-metric='orders.today']")).ToHaveTextAsync("1 / 1 / 0");
        await page.EvaluateAsync("window.sameDocument = true");

        await shop.PaidOrderAsync("cust-2");
        await shop.PaidOrderAsync("cust-3");

        await Expect(page.Locator("[data-metric='orders.today']")).ToHaveTextAsync("3 / 3 / 0", new() { Timeout = 15_000 });
        Assert.True(await page.EvaluateAsync<bool>("window.sameDocument === true"), "the page was not reloaded");
    }
}
