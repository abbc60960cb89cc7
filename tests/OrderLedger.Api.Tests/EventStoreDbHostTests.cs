using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using OrderLedger.Hosting;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>The real API host configured for EventStoreDB (a node of this class's own), the read models in PostgreSQL.</summary>
public sealed class EventStoreDbHostTests(EventStoreDbNode node, TestDatabase database)
    : IClassFixture<EventStoreDbNode>, IClassFixture<TestDatabase>, IAsyncLifetime
{
    private const string SigningKey = "test-signing-key-of-at-least-32-bytes!";
    private WebApplicationFactory<Program>? _factory;

    public Task InitializeAsync()
    {
        if (node.SkipReason is null)
        {
            _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
            {
                host.UseSetting("EventStore:Provider", "eventstoredb");
                host.UseSetting("ConnectionStrings:EventStoreDb", node.ConnectionString);
                host.UseSetting("ConnectionStrings:Postgres", database.ConnectionString);
                host.UseSetting(AccessTokens.SigningKeySetting, SigningKey);
            });
        }

        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task Ready_names_the_store_in_use_and_an_append_reads_back_through_the_api()
    {
        Skip.If(node.SkipReason is not null, node.SkipReason);
        using var client = _factory!.CreateClient();
        var token = new AccessTokens(SigningKey).Issue("admin-user", [Roles.Admin], [AccessTokens.AllStores], TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var stream = "note-" + Guid.NewGuid().ToString("N");

        var ready = await client.GetAsync("/health/ready");
        var appended = await client.PostAsJsonAsync($"/api/streams/{stream}", new { expectedRevision = "no-stream", storeId = "s1", events = new[] { new { type = "note-added", data = new { text = "hello" } } } });
        var read = await client.GetFromJsonAsync<JsonElement>($"/api/streams/{stream}");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("eventstoredb", (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("store").GetString());
        Assert.Equal(HttpStatusCode.OK, appended.StatusCode);
        Assert.Equal(["hello"], read.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("data").GetProperty("text").GetString()));
    }
}
