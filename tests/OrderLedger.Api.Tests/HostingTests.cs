using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OrderLedger.EventStore;
using OrderLedger.Hosting;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>The host around the endpoints: OpenAPI and its UI, size and rate limits, and 503 when the event store is away.</summary>
public sealed class HostingTests(ApiHost host) : IClassFixture<ApiHost>
{
    private const string SigningKey = "test-signing-key-of-at-least-32-bytes!";

    [Fact]
    public async Task The_OpenAPI_document_lists_the_command_and_query_endpoints_and_the_UI_is_served()
    {
        var document = await host.Anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var ui = await host.Anonymous.GetAsync("/scalar/v1");

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/orders/{orderId}/payments", out _));
        Assert.True(paths.TryGetProperty("/api/stores/{storeId}/customers/{customerId}/timeline", out _));
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        Assert.Contains("text/html", ui.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_body_over_the_limit_is_413()
    {
        var huge = new { name = new string('x', 300_000), timeZone = "UTC", currency = "EUR" };

        var response = await host.Client.PostAsJsonAsync("/api/stores/too-big", huge);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Commands_beyond_the_rate_limit_are_429_with_Retry_After()
    {
        await using var limited = await CustomHost.StartAsync(settings: new() { ["Limits:CommandsPerMinute"] = "2" });
        var client = limited.As(Roles.Admin);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 3; i++)
        {
            last = await client.PostAsJsonAsync($"/api/stores/rl-{i}", new { name = "S", timeZone = "UTC", currency = "EUR" });
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(last!.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task A_role_s_own_limit_applies_to_its_tokens_and_an_ingest_token_is_not_held_to_a_person_s_pace()
    {
        await using var limited = await CustomHost.StartAsync(settings: new()
        {
            ["Limits:CommandsPerMinute"] = "2",
            ["Limits:CommandsPerMinuteByRole:supervisor"] = "1",
            ["Projections:Run"] = "true",   // starting a conversation reads the conversations read model
        });
        await limited.ReadyAsync();
        var admin = limited.As(Roles.Admin);
        (await admin.PostAsJsonAsync("/api/stores/rl-roles", new { name = "S", timeZone = "UTC", currency = "EUR" })).EnsureSuccessStatusCode();

        var ingest = limited.As(Roles.Ingest);
        var ingested = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            ingested.Add((await ingest.PostAsJsonAsync($"/api/conversations/rl-c{i}", new { storeId = "rl-roles", customerId = $"c{i}", channel = "web" })).StatusCode);
        }

        var supervisor = limited.As(Roles.Supervisor);
        var supervised = new List<HttpStatusCode>();
        for (var i = 0; i < 2; i++)
        {
            supervised.Add((await supervisor.PostAsJsonAsync("/api/stores/rl-roles/policies/bot-hand-off", new { seconds = 60 + i })).StatusCode);
        }

        Assert.All(ingested, status => Assert.Equal(HttpStatusCode.OK, status));   // 5 > the default 2: ingest has its own 60,000
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.TooManyRequests], supervised);
    }

    [Fact]
    public async Task A_command_that_reads_a_read_model_not_built_yet_is_503_with_Retry_After_and_appends_nothing()
    {
        await using var unbuilt = await CustomHost.StartAsync();   // projections off: no read model is ever built here
        var admin = unbuilt.As(Roles.Admin);
        (await admin.PostAsJsonAsync("/api/stores/rm-none", new { name = "S", timeZone = "UTC", currency = "EUR" })).EnsureSuccessStatusCode();

        var response = await admin.PostAsJsonAsync("/api/conversations/rm-none-c1", new { storeId = "rm-none", customerId = "c1", channel = "web" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.Contains("Retry-After"));
        Assert.Equal("Read model not built yet", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/streams/conversation-rm-none-c1")).StatusCode);
    }

    [Fact]
    public async Task An_unreachable_event_store_is_503_with_Retry_After()
    {
        await using var down = await CustomHost.StartAsync(services => services.AddSingleton<IEventStore, UnreachableEventStore>());

        var response = await down.As(Roles.Admin).PostAsJsonAsync("/api/stores/s1", new { name = "S", timeZone = "UTC", currency = "EUR" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task With_an_OTLP_endpoint_configured_the_host_starts_and_records_commands()
    {
        await using var traced = await CustomHost.StartAsync(settings: new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4317" });

        var response = await traced.As(Roles.Admin).PostAsJsonAsync("/api/stores/otel-1", new { name = "S", timeZone = "UTC", currency = "EUR" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>A host with its own settings or services, on its own database.</summary>
    private sealed class CustomHost : IAsyncDisposable
    {
        private readonly TestDatabase _database = new();
        private WebApplicationFactory<Program>? _factory;

        public static async Task<CustomHost> StartAsync(Action<IServiceCollection>? services = null, Dictionary<string, string>? settings = null)
        {
            var custom = new CustomHost();
            await custom._database.InitializeAsync();
            custom._factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
            {
                web.UseSetting("ConnectionStrings:Postgres", custom._database.ConnectionString);
                web.UseSetting(AccessTokens.SigningKeySetting, SigningKey);
                web.UseSetting("Projections:Run", "false");
                foreach (var (key, value) in settings ?? [])
                {
                    web.UseSetting(key, value);
                }

                if (services is not null)
                {
                    web.ConfigureTestServices(services);
                }
            });
            return custom;
        }

        /// <summary>Waits until <c>/health/ready</c> answers 200: every projection built and caught up.</summary>
        public async Task ReadyAsync()
        {
            using var client = _factory!.CreateClient();
            var until = DateTime.UtcNow.AddSeconds(60);
            while ((await client.GetAsync("/health/ready")).StatusCode != HttpStatusCode.OK)
            {
                Assert.True(DateTime.UtcNow < until, "the host's projections were not ready within 60 s");
                await Task.Delay(100);
            }
        }

        public HttpClient As(string role)
        {
            var client = _factory!.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
                "Bearer", new AccessTokens(SigningKey).Issue("t", [role], [AccessTokens.AllStores], TimeSpan.FromHours(1), DateTimeOffset.UtcNow));
            return client;
        }

        public async ValueTask DisposeAsync()
        {
            if (_factory is not null)
            {
                await _factory.DisposeAsync();
            }

            await _database.DisposeAsync();
        }
    }

    private sealed class UnreachableEventStore : IEventStore
    {
        private static EventStoreUnavailableException Down => new("The event store is unreachable (test).");

        public Task<AppendResult> AppendAsync(string streamId, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default) =>
            throw Down;

        public Task<IReadOnlyList<AppendResult>> AppendBatchAsync(IReadOnlyList<StreamAppend> appends, CancellationToken cancellationToken = default) =>
            throw Down;

        public async IAsyncEnumerable<RecordedEvent> ReadStreamAsync(string streamId, StreamReadOptions options, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            throw Down;
#pragma warning disable CS0162 // an iterator needs a yield
            yield break;
#pragma warning restore CS0162
        }

        public IAsyncEnumerable<RecordedEvent> ReadAllAsync(Position? after, EventFilter? filter, long maxCount, CancellationToken cancellationToken = default) =>
            throw Down;

        public IAsyncEnumerable<SubscriptionMessage> SubscribeToAllAsync(Position? after, EventFilter? filter, CancellationToken cancellationToken = default) =>
            throw Down;

        public Task<Position?> ReadHeadPositionAsync(CancellationToken cancellationToken = default) => throw Down;

        public Task<EventLocation?> FindEventAsync(Guid eventId, CancellationToken cancellationToken = default) => throw Down;

        public bool FindsEventsById => true;
    }
}
