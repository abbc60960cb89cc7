using Microsoft.Extensions.Configuration;

namespace OrderLedger.Connectors;

/// <summary>The connectors a store has, read from the <c>Connectors</c> configuration section (docs/connectors.md).</summary>
public sealed class ConnectorOptions
{
    public const string Section = "Connectors";

    /// <summary>How far a callback's <c>timestamp</c> may lie from the server's clock; older or newer is refused as a replay.</summary>
    public TimeSpan TimestampWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the worker looks for inbox entries it has not handled.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Inbox entries handled per pass.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>How many inboxes (channel and store) the worker handles at once; each keeps its own order.</summary>
    public int ParallelInboxes { get; set; } = 4;

    /// <summary>Retries of a platform call that answered "busy" or "too frequent", with doubling back-off from <see cref="RetryDelay"/>.</summary>
    public int MaxRetries { get; set; } = 4;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The projections database and view schema, where the inbox read model and the worker's own tables live.</summary>
    public string ConnectionString { get; set; } = "";

    public string ViewSchema { get; set; } = "rm";

    public Dictionary<string, WeChatShopCredentials> WeChatShop { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, WeComKfCredentials> WeComKf { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, GenericCredentials> Generic { get; } = new(StringComparer.Ordinal);

    /// <summary>Reads the section: <c>Connectors:WeChatShop:{storeId}</c>, <c>Connectors:WeComKf:{storeId}</c>, <c>Connectors:Generic:{storeId}</c>.</summary>
    public static ConnectorOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var options = new ConnectorOptions();
        if (TimeSpan.TryParse(section[nameof(TimestampWindow)], out var window))
        {
            options.TimestampWindow = window;
        }

        if (TimeSpan.TryParse(section[nameof(PollInterval)], out var poll))
        {
            options.PollInterval = poll;
        }

        if (int.TryParse(section[nameof(ParallelInboxes)], out var parallel) && parallel is >= 1 and <= 64)
        {
            options.ParallelInboxes = parallel;
        }

        // Bound by name onto the credentials' properties; what a store leaves out keeps the property's default.
        foreach (var store in section.GetSection(nameof(WeChatShop)).GetChildren())
        {
            options.WeChatShop[store.Key] = store.Get<WeChatShopCredentials>() ?? new();
        }

        foreach (var store in section.GetSection(nameof(WeComKf)).GetChildren())
        {
            options.WeComKf[store.Key] = store.Get<WeComKfCredentials>() ?? new();
        }

        foreach (var store in section.GetSection(nameof(Generic)).GetChildren())
        {
            options.Generic[store.Key] = store.Get<GenericCredentials>() ?? new();
        }

        return options;
    }
}

/// <summary>
/// What a callback is checked with. Classes, not records, so that no generated <c>ToString</c> ever prints a secret
/// into a log line.
/// </summary>
public abstract class CallbackCredentials
{
    /// <summary>The token registered with the platform; signs every callback.</summary>
    public string Token { get; init; } = "";

    /// <summary>The 43-character EncodingAESKey of safe mode; null in plain mode.</summary>
    public string? EncodingAesKey { get; init; }

    /// <summary>Who the platform encrypts for: the app id (shop) or corp id (WeCom), checked after decryption.</summary>
    public abstract string ReceiveId { get; }

    public override string ToString() => $"{GetType().Name} (secrets withheld)";
}

public sealed class WeChatShopCredentials : CallbackCredentials
{
    public const string DefaultApiBaseUrl = "https://api.weixin.qq.com";

    public string AppId { get; init; } = "";

    public string AppSecret { get; init; } = "";

    public string ApiBaseUrl { get; init; } = DefaultApiBaseUrl;

    /// <summary>The store's currency; the shop's amounts are in its minor unit (分).</summary>
    public string Currency { get; init; } = "CNY";

    public override string ReceiveId => AppId;
}

public sealed class WeComKfCredentials : CallbackCredentials
{
    public const string DefaultApiBaseUrl = "https://qyapi.weixin.qq.com";

    public string CorpId { get; init; } = "";

    public string Secret { get; init; } = "";

    public string ApiBaseUrl { get; init; } = DefaultApiBaseUrl;

    /// <summary>Whether the customer-service account has an assistant (智能助手): conversations then start in bot mode.</summary>
    public bool BotEnabled { get; init; } = true;

    public override string ReceiveId => CorpId;
}

public sealed class GenericCredentials
{
    /// <summary>The HMAC-SHA256 key shared with the sender.</summary>
    public string Secret { get; init; } = "";

    public override string ToString() => "GenericCredentials (secret withheld)";
}
