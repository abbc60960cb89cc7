namespace OrderLedger.Domain.Inbox;

/// <summary>
/// A fact on a channel connector's inbox stream, <c>inbox-{channel}-{storeId}</c>: what a platform pushed, verified and
/// kept as it arrived, before anything is made of it (docs/connectors.md). No decider writes it: the connector's
/// receiving endpoint appends it, and the connector worker turns it into commands.
/// </summary>
public abstract record InboxEvent
{
    public abstract string InboxId { get; init; }
}

/// <param name="InboxId">The inbox: <c>{channel}-{storeId}</c>, e.g. <c>wechat-shop-s1</c>.</param>
/// <param name="Channel">The connector: <c>wechat-shop</c>, <c>wecom-kf</c> or <c>generic</c>.</param>
/// <param name="ContentType">How <paramref name="Body"/> is written: <c>application/json</c> or <c>application/xml</c>.</param>
/// <param name="Body">The platform's message as it sent it (decrypted in safe mode, never re-encoded).</param>
/// <param name="OccurredAt">When it was received (the server's clock).</param>
public sealed record InboxNotificationReceived(
    string InboxId,
    string StoreId,
    string Channel,
    string ContentType,
    string Body,
    DateTimeOffset OccurredAt) : InboxEvent, IStoreScoped;
