using System.Text.Json;
using Microsoft.Playwright;
using OrderLedger.Hosting;
using OrderLedger.Testing;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace OrderLedger.Web.Tests;

public sealed class ProjectionsPageTests(WebHost host) : IClassFixture<WebHost>
{
    [Fact]
    public async Task Every_projection_is_listed_with_the_state_generation_and_lag_the_API_reports()
    {
        var shop = await Shop.OpenAsync(host.Admin);
        await shop.PaidOrderAsync("cust-1");
        await host.CaughtUpAsync();
        var status = await WebHost.GetAsync<JsonElement>(host.As(Roles.Data), "/api/projections");
        var page = await host.SignedInAsync(Roles.Data);

        await page.GotoAsync("/projections.html");

        var rows = page.Locator("#projections tbody tr");
        await Expect(rows.Locator("th")).ToHaveTextAsync(status.EnumerateArray().Select(p => p.GetProperty("name").GetString()!).ToArray());
        await Expect(rows.Locator("[data-field='state']")).ToHaveTextAsync(status.EnumerateArray().Select(p => p.GetProperty("state").GetString()!).ToArray());
        await Expect(rows.Locator("[data-field='generation']")).ToHaveTextAsync(status.EnumerateArray().Select(p => p.GetProperty("generation").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        await Expect(rows.Locator("[data-field='lag-events']")).ToHaveTextAsync(status.EnumerateArray().Select(_ => "0").ToArray());
        await Expect(rows.Locator("[data-field='last-error']")).ToHaveTextAsync(status.EnumerateArray().Select(_ => Formats.Dash).ToArray());
        await Screenshots.SaveAsync(page, "projections");
    }

    [Fact]
    public async Task The_data_team_rebuilds_a_projection_watches_its_progress_and_sees_the_new_generation_serve()
    {
        var shop = await Shop.OpenAsync(host.Admin);
        for (var i = 0; i < 5; i++)
        {
            await shop.PaidOrderAsync($"cust-{i}");
        }

        await host.CaughtUpAsync();
        var data = host.As(Roles.Data);
        var before = (await WebHost.GetAsync<JsonElement>(data, "/api/projections/orders")).GetProperty("generation").GetInt32();
        var page = await host.SignedInAsync(Roles.Data);
        await page.GotoAsync("/projections.html");
        var row = page.Locator("#projections tbody tr[data-projection='orders']");

        await row.GetByRole(AriaRole.Button, new() { Name = "Rebuild orders" }).ClickAsync();

        await Expect(row.Locator("progress")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Rebuild of orders completed: generation {before + 1} now serves.", new() { Timeout = 30_000 });
        var total = (await WebHost.GetAsync<JsonElement>(data, "/api/projections/orders/rebuild")).GetProperty("total").GetInt64();
        await Expect(row.Locator(".progress-text")).ToContainTextAsync($"Completed g{before + 1}: {Formats.Count(total)}/{Formats.Count(total)} (100.0 %)");
        await Expect(row.Locator("progress")).ToHaveAttributeAsync("value", "100");
        await Screenshots.SaveAsync(page, "projections-after-rebuild");
        await Expect(row.Locator("[data-field='state']")).ToHaveTextAsync("Live");
        await Expect(row.Locator("[data-field='generation']")).ToHaveTextAsync((before + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var after = await WebHost.GetAsync<JsonElement>(data, "/api/projections/orders/rebuild");
        Assert.Equal(("Completed", before + 1), (after.GetProperty("state").GetString(), after.GetProperty("generation").GetInt32()));
    }

    [Theory]
    [InlineData(Roles.Supervisor)]
    [InlineData(Roles.Agent)]
    public async Task Other_roles_get_no_rebuild_button_and_a_clear_message(string role)
    {
        var page = await host.SignedInAsync(role, "store-a");

        await page.GotoAsync("/projections.html");

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Your role may not do this");
        await Expect(page.GetByText("Rebuilds need the data or admin role")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Rebuild" })).ToHaveCountAsync(0);
    }
}
