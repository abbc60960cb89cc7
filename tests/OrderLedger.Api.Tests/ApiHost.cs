using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using OrderLedger.Hosting;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>The real API host, in memory, on its own fresh database.</summary>
public class ApiHost : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private readonly IReadOnlyDictionary<string, string> _settings;
    private const string SigningKey = "test-signing-key-of-at-least-32-bytes!";
    private readonly AccessTokens _tokens = new(SigningKey);
    private WebApplicationFactory<Program>? _factory;

    /// <summary>An administrator of every store.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>The host's services: its endpoints (for the deny matrix) and the event store (to look at the log around a request).</summary>
    public IServiceProvider Services => _factory!.Services;

    /// <summary>The database as its owner, for a test that must hold the read models back (a lock) as no API call can.</summary>
    public string OwnerConnectionString => _database.ConnectionString;

    /// <summary>A client without a token.</summary>
    public HttpClient Anonymous => _factory!.CreateClient();

    /// <summary>A client whose bearer token has <paramref name="role"/> for <paramref name="stores"/>.</summary>
    public HttpClient As(string role, params string[] stores)
    {
        var client = _factory!.CreateClient();
        var token = _tokens.Issue($"{role}-user", [role], stores.Length == 0 ? [AccessTokens.AllStores] : stores, TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public ApiHost()
        : this(new Dictionary<string, string>())
    {
    }

    /// <param name="settings">Configuration on top of the defaults, e.g. <c>Projections:Run = false</c>.</param>
    protected ApiHost(IReadOnlyDictionary<string, string> settings) => _settings = settings;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            // As in production: the API connects as the least-privileged app role, migrations run as the owner.
            host.UseSetting("ConnectionStrings:Postgres", _database.AppConnectionString);
            host.UseSetting("ConnectionStrings:" + EventStoreConfiguration.OwnerConnectionName, _database.ConnectionString);
            host.UseSetting(AccessTokens.SigningKeySetting, SigningKey);
            foreach (var (key, value) in _settings)
            {
                host.UseSetting(key, value);
            }
        });
        Client = As(Roles.Admin);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await _database.DisposeAsync();
    }
}
