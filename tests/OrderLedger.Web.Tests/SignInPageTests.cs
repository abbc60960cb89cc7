using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrderLedger.Hosting;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace OrderLedger.Web.Tests;

public sealed class SignInPageTests(WebHost host) : IClassFixture<WebHost>
{
    [Fact]
    public async Task A_pasted_token_signs_in_shows_the_stores_it_covers_and_signs_out()
    {
        var page = await host.SignedInAsync(Roles.Agent, "store-a", "store-b");

        await Expect(page.Locator("#stores")).ToHaveTextAsync("store-a, store-b");
        await Expect(page.Locator("#roles")).ToHaveTextAsync("agent");
        await Expect(page.Locator("#store option")).ToHaveTextAsync(["store-a", "store-b"]);
        await page.GetByLabel("Work on store").SelectOptionAsync("store-b");
        await Expect(page.Locator("#store-picker")).ToHaveValueAsync("store-b");
        Assert.NotNull(await page.EvaluateAsync<string?>("sessionStorage.getItem('orderledger.token')"));
        await Screenshots.SaveAsync(page, "sign-in");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).First.ClickAsync();

        await Expect(page.GetByLabel("Bearer token")).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('orderledger.token')"));
    }

    [Fact]
    public async Task A_refused_token_is_answered_with_a_clear_message_and_not_kept()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync("/");
        await WebHost.SignInFormReadyAsync(page);

        await page.GetByLabel("Bearer token").FillAsync("not-a-token");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("token was refused");
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('orderledger.token')"));
    }

    [Fact]
    public async Task Pages_send_a_visitor_without_a_token_to_sign_in_and_back_afterwards()
    {
        var page = await host.NewPageAsync();

        await page.GotoAsync("/dashboard.html");
        await Expect(page).ToHaveURLAsync(new Regex("/\\?next=%2Fdashboard\\.html$"));
        await WebHost.SignInFormReadyAsync(page);
        await page.GetByLabel("Bearer token").FillAsync(host.Token(Roles.Supervisor, "store-a"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/dashboard\\.html$"));
        await Expect(page.Locator("#store-picker")).ToHaveValueAsync("store-a");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Service dashboard — store store-a");
    }
}
