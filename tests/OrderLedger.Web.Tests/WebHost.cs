using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OrderLedger.Hosting;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Web.Tests;

/// <summary>
/// The real API host on Kestrel, on a free loopback port, over a fresh database of its own (one per test class), and a
/// headless Debian Chromium driven by Playwright. HTTP clients talk to the same port as the browser.
/// </summary>
public sealed class WebHost : IAsyncLifetime
{
    /// <summary>Debian's Chromium; tools/test.sh installs it. Playwright's own browsers are never downloaded.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private const string SigningKey = "web-test-signing-key-of-at-least-32-bytes!";
    private readonly TestDatabase _database = new();
    private readonly AccessTokens _tokens = new(SigningKey);
    private WebApplicationFactory<Program>? _factory;
    private IPlaywright? _playwright;

    public Uri BaseAddress { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>An administrator of every store, over real HTTP.</summary>
    public HttpClient Admin { get; private set; } = null!;

    public string Token(string role, params string[] stores) =>
        _tokens.Issue($"{role}-user", [role], stores.Length == 0 ? [AccessTokens.AllStores] : stores, TimeSpan.FromHours(1), DateTimeOffset.UtcNow);

    /// <summary>A client whose bearer token has <paramref name="role"/> for <paramref name="stores"/> (every store when none).</summary>
    public HttpClient As(string role, params string[] stores)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(role, stores));
        return client;
    }

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: run the tests with tools/test.sh, which installs Debian's chromium.");
        }

        await _database.InitializeAsync();
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseSetting("ConnectionStrings:Postgres", _database.ConnectionString);
            host.UseSetting(AccessTokens.SigningKeySetting, SigningKey);
            host.UseSetting("Logging:LogLevel:Default", "Warning");
            // The cockpit's alerts within a test's patience rather than every 30 s.
            host.UseSetting("Alerts:EvaluateEvery", "00:00:01");
        });
        _factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _factory.StartServer();
        var addresses = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First());
        Admin = As(Roles.Admin);

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
    }

    /// <summary>A new browser tab (its own sessionStorage) on a laptop-sized screen.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    /// <summary>Signs in on the sign-in page with a token of <paramref name="role"/> for <paramref name="stores"/>.</summary>
    public async Task<IPage> SignedInAsync(string role, params string[] stores)
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/");
        await SignInFormReadyAsync(page);
        await page.GetByLabel("Bearer token").FillAsync(Token(role, stores));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#signed-in")).ToBeVisibleAsync();
        return page;
    }

    /// <summary>The sign-in page's script has attached its handlers (so a submit signs in rather than posting the form).</summary>
    public static Task SignInFormReadyAsync(IPage page) => Assertions.Expect(page.Locator("html[data-ready='true']")).ToHaveCountAsync(1);

    /// <summary>Waits until every projection has applied every event of the log, so the API's answers are settled.</summary>
    public Task CaughtUpAsync() =>
        Eventually.Get(
            () => GetAsync<JsonElement>(Admin, "/api/projections"),
            all => all.EnumerateArray().All(p => p.GetProperty("lagEvents").ValueKind == JsonValueKind.Number && p.GetProperty("lagEvents").GetInt64() == 0),
            TimeSpan.FromSeconds(30),
            "every projection caught up");

    /// <summary>GET as JSON with <paramref name="client"/>, failing with the answer's text on an error status.</summary>
    public static async Task<T> GetAsync<T>(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET {path} → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>())!;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        Admin?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await _database.DisposeAsync();
    }
}
