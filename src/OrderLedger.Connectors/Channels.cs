namespace OrderLedger.Connectors;

/// <summary>The connectors' names: in the webhook paths, the inbox stream names and the events' channel.</summary>
public static class Channels
{
    public const string WeChatShop = "wechat-shop";
    public const string WeComKf = "wecom-kf";
    public const string Generic = "generic";

    /// <summary>The inbox stream of a store's connector: <c>inbox-{channel}-{storeId}</c>.</summary>
    public static string InboxStream(string channel, string storeId) => $"inbox-{InboxId(channel, storeId)}";

    public static string InboxId(string channel, string storeId) => $"{channel}-{storeId}";
}
