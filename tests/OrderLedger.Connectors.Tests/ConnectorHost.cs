using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrderLedger.Api.Tests;
using OrderLedger.Connectors.Worker;
using OrderLedger.Hosting;
using Xunit;

namespace OrderLedger.Connectors.Tests;

/// <summary>
/// The real API host with connectors configured for a few stores, all pointing at one <see cref="PlatformStandIn"/>.
/// Store <see cref="Shop"/> has a WeChat shop in safe mode (JSON), <see cref="Chat"/> a WeCom customer-service account,
/// <see cref="Generic"/> a generic webhook; every store of the day is registered with a stocked warehouse.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes the fixture through IAsyncLifetime.DisposeAsync, which disposes the listener.")]
public sealed class ConnectorHost : ApiHost, IAsyncLifetime
{
    public const string Shop = "cx-shop";
    public const string Chat = "cx-chat";
    public const string Generic = "cx-generic";
    public const string ShopToken = "shop-token-1";
    public const string ChatToken = "chat-token-1";
    public const string AppId = "wx-app-1";
    public const string CorpId = "ww-corp-1";
    public const string GenericSecret = "generic-secret-of-the-test";
    public const string OpenKfId = "wk-account-1";
    public static readonly string ShopKey = PlatformSealer.NewEncodingAesKey();
    public static readonly string ChatKey = PlatformSealer.NewEncodingAesKey();
    private readonly MeterListener _listener = new();

    public ConnectorHost()
        : this(PlatformStandIn.Start())
    {
    }

    private ConnectorHost(PlatformStandIn standIn)
        : base(SettingsFor(standIn))
    {
        StandIn = standIn;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "orderledger.connectors.callbacks")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var key = string.Join('/', tags.ToArray().Select(t => t.Value));
            lock (Counted)
            {
                Counted[key] = Counted.GetValueOrDefault(key) + value;
            }
        });
        _listener.Start();
    }

    public PlatformStandIn StandIn { get; }

    /// <summary>The callback counter's totals by "channel/outcome".</summary>
    public Dictionary<string, long> Counted { get; } = new(StringComparer.Ordinal);

    public long CountOf(string channel, string outcome)
    {
        lock (Counted)
        {
            return Counted.GetValueOrDefault($"{channel}/{outcome}");
        }
    }

    private static Dictionary<string, string> SettingsFor(PlatformStandIn standIn) => new()
    {
        ["Connectors:PollInterval"] = "00:00:00.100",
        [$"Connectors:WeChatShop:{Shop}:Token"] = ShopToken,
        [$"Connectors:WeChatShop:{Shop}:EncodingAesKey"] = ShopKey,
        [$"Connectors:WeChatShop:{Shop}:AppId"] = AppId,
        [$"Connectors:WeChatShop:{Shop}:AppSecret"] = "app-secret-1",
        [$"Connectors:WeChatShop:{Shop}:ApiBaseUrl"] = standIn.BaseUrl,
        [$"Connectors:WeChatShop:{Shop}:Currency"] = "EUR",
        [$"Connectors:WeComKf:{Chat}:Token"] = ChatToken,
        [$"Connectors:WeComKf:{Chat}:EncodingAesKey"] = ChatKey,
        [$"Connectors:WeComKf:{Chat}:CorpId"] = CorpId,
        [$"Connectors:WeComKf:{Chat}:Secret"] = "corp-secret-1",
        [$"Connectors:WeComKf:{Chat}:ApiBaseUrl"] = standIn.BaseUrl,
        [$"Connectors:Generic:{Generic}:Secret"] = GenericSecret,
    };

    /// <summary>Registers <paramref name="storeId"/> (UTC, EUR) with warehouse <c>wh-{storeId}</c> holding 100 of SKU-1 and SKU-2.</summary>
    public async Task RegisterStoreAsync(string storeId)
    {
        await OkAsync($"/api/stores/{storeId}", new { name = "Shop", timeZone = "UTC", currency = "EUR" });
        await OkAsync($"/api/stores/{storeId}/policies/warehouses", new { warehouses = new[] { new { warehouseId = $"wh-{storeId}", regions = new[] { "north" } } } });
        foreach (var sku in new[] { "SKU-1", "SKU-2" })
        {
            await OkAsync($"/api/stock/wh-{storeId}/{sku}/receipts", new { storeId, quantity = 100 });
        }
    }

    public async Task<JsonElement> OkAsync(string path, object body, HttpClient? client = null)
    {
        var response = await (client ?? Client).PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {path} → {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>Posts a safe-mode callback sealed as the platform does.</summary>
    public async Task<HttpResponseMessage> PushAsync(string channel, string storeId, string message, DateTimeOffset? at = null)
    {
        var (token, key, receiver, json) = channel == Channels.WeChatShop ? (ShopToken, ShopKey, AppId, true) : (ChatToken, ChatKey, CorpId, false);
        var (query, body) = PlatformSealer.SafeModePost(message, token, key, receiver, at ?? DateTimeOffset.UtcNow, json);
        return await Anonymous.PostAsync($"/webhooks/{channel}/{storeId}{query}", new StringContent(body, Encoding.UTF8, json ? "application/json" : "text/xml"));
    }

    public async Task<HttpResponseMessage> PushGenericAsync(string storeId, string envelope, string? secret = null)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/generic/{storeId}") { Content = new StringContent(envelope, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-OrderLedger-Timestamp", timestamp);
        request.Headers.Add("X-OrderLedger-Signature", OrderLedger.Connectors.Generic.GenericEnvelope.Sign(secret ?? GenericSecret, timestamp, envelope));
        return await Anonymous.SendAsync(request);
    }

    public ConnectorWorker Worker => Services.GetRequiredService<ConnectorWorker>();

    /// <summary>Waits until <paramref name="done"/> holds (the projection and the worker run in the background), up to 20 seconds.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> done, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < until, $"Timed out waiting for {what}.");
            await Task.Delay(100);
        }
    }

    public async Task<int> CountEventsAsync(string streamId)
    {
        var response = await Client.GetAsync($"/api/streams/{streamId}");
        return response.StatusCode == HttpStatusCode.NotFound
            ? 0
            : (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("events").GetArrayLength();
    }

    public async Task<List<string>> EventTypesAsync(string streamId)
    {
        var response = await Client.GetAsync($"/api/streams/{streamId}");
        return response.StatusCode == HttpStatusCode.NotFound
            ? []
            : [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()!)];
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        _listener.Dispose();
        await DisposeAsync();
        await StandIn.DisposeAsync();
    }
}
