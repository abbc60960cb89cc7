using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using OrderLedger.Connectors.Platform;
using OrderLedger.Connectors.Receiving;
using OrderLedger.Connectors.Worker;
using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Connectors.WeComKf;

/// <summary>
/// WeChat customer service (微信客服, in WeCom): a <c>kf_msg_or_event</c> callback says "there is news for this account";
/// the messages themselves are pulled with <c>kf/sync_msg</c> from the account's cursor (kept in
/// <c>connectors.kf_cursors</c>, saved after each page; <c>has_more</c> is followed) and each becomes conversation
/// commands dated at its <c>send_time</c> (docs/connectors.md has the table). A page pulled again after a crash
/// repeats commands whose ids derive from the <c>msgid</c>, which record once.
/// </summary>
public sealed class KfInboxHandler(ConnectorOptions options, PlatformApi api, ConnectorCommands commands, NpgsqlDataSource dataSource) : IInboxHandler
{
    /// <summary>Texts longer than this are cut: the ledger keeps what is needed to read a conversation, not attachments.</summary>
    public const int MaxTextLength = 2000;

    public string Channel => Channels.WeComKf;

    public async Task<string> HandleAsync(InboxEntry entry, CancellationToken cancellationToken)
    {
        if (!options.WeComKf.TryGetValue(entry.StoreId, out var credentials))
        {
            return "not configured: skipped";
        }

        var message = PlatformMessage.Parse(entry.Body);
        if (message.Event != "kf_msg_or_event" || message["OpenKfId"] is not { Length: > 0 } openKfId)
        {
            return $"event {message.Event ?? message["MsgType"] ?? "?"}: not mapped";
        }

        var tokens = new PlatformApi.TokenSource(
            $"wecom/{credentials.CorpId}/{credentials.Secret.GetHashCode(StringComparison.Ordinal)}",
            $"{credentials.ApiBaseUrl.TrimEnd('/')}/cgi-bin/gettoken?corpid={Uri.EscapeDataString(credentials.CorpId)}&corpsecret={Uri.EscapeDataString(credentials.Secret)}");
        var log = new List<string>();
        var cursor = await CursorAsync(entry.StoreId, openKfId, cancellationToken);
        var pages = 0;
        while (true)
        {
            var request = new JsonObject { ["token"] = message["Token"], ["limit"] = 1000, ["open_kfid"] = openKfId };
            if (cursor is not null)
            {
                request["cursor"] = cursor;
            }

            var page = await api.PostAsync(credentials.ApiBaseUrl, "/cgi-bin/kf/sync_msg", tokens, request, cancellationToken);
            foreach (var item in page["msg_list"]?.AsArray() ?? [])
            {
                if (item is JsonObject kfMessage)
                {
                    await MapAsync(entry.StoreId, openKfId, credentials, kfMessage, log, cancellationToken);
                }
            }

            pages++;
            cursor = page["next_cursor"]?.GetValue<string>() ?? cursor;
            if (cursor is not null)
            {
                await SaveCursorAsync(entry.StoreId, openKfId, cursor, cancellationToken);
            }

            if (page["has_more"]?.GetValue<int>() != 1)
            {
                break;
            }
        }

        return $"{pages} page(s); " + (log.Count == 0 ? "no messages" : string.Join("; ", log));
    }

    private async Task MapAsync(string storeId, string openKfId, WeComKfCredentials credentials, JsonObject item, List<string> log, CancellationToken cancellationToken)
    {
        var msgId = Text(item, "msgid");
        var origin = item["origin"]?.GetValue<int>() ?? 0;
        var sentAt = DateTimeOffset.FromUnixTimeSeconds(item["send_time"]?.GetValue<long>() ?? 0);
        var msgType = Text(item, "msgtype");
        if (msgId.Length == 0)
        {
            return;
        }

        if (origin == KfOrigins.Customer)
        {
            var customer = Text(item, "external_userid");
            var conversationId = ConversationIdOf(openKfId, customer);
            await EnsureStartedAsync(storeId, conversationId, customer, credentials.BotEnabled, msgId, sentAt, log, cancellationToken);
            await commands.RunAsync(
                new ReceiveCustomerMessage(conversationId, msgId, TextOf(item, msgType), sentAt), $"wecom-kf/msg/{msgId}",
                new Actor(ActorKind.Customer, customer), storeId, sentAt, log, cancellationToken);
            return;
        }

        if (origin == KfOrigins.Servicer)
        {
            var customer = Text(item, "external_userid");
            var conversationId = ConversationIdOf(openKfId, customer);
            var servicer = Text(item, "servicer_userid");
            if (servicer.Length == 0)
            {
                // Sent by the account's assistant (智能助手) rather than a person.
                await commands.RunAsync(
                    new SendBotReply(conversationId, msgId, TextOf(item, msgType), sentAt), $"wecom-kf/msg/{msgId}",
                    new Actor(ActorKind.Bot, openKfId), storeId, sentAt, log, cancellationToken);
                return;
            }

            await EnsureAssignedAsync(storeId, conversationId, servicer, msgId, sentAt, log, cancellationToken);
            await commands.RunAsync(
                new SendAgentReply(conversationId, servicer, msgId, TextOf(item, msgType), sentAt), $"wecom-kf/msg/{msgId}",
                new Actor(ActorKind.Agent, servicer), storeId, sentAt, log, cancellationToken);
            return;
        }

        if (origin == KfOrigins.System && item["event"] is JsonObject kfEvent)
        {
            await MapEventAsync(storeId, openKfId, credentials, msgId, sentAt, kfEvent, log, cancellationToken);
        }
    }

    private async Task MapEventAsync(
        string storeId, string openKfId, WeComKfCredentials credentials, string msgId, DateTimeOffset sentAt, JsonObject kfEvent, List<string> log, CancellationToken cancellationToken)
    {
        var customer = Text(kfEvent, "external_userid");
        if (customer.Length == 0)
        {
            log.Add($"{msgId} event without a customer: not mapped");
            return;
        }

        var conversationId = ConversationIdOf(Text(kfEvent, "open_kfid") is { Length: > 0 } kf ? kf : openKfId, customer);
        switch (Text(kfEvent, "event_type"))
        {
            case "enter_session":
                await EnsureStartedAsync(storeId, conversationId, customer, credentials.BotEnabled, msgId, sentAt, log, cancellationToken);
                return;
            case "session_status_change":
                var newServicer = Text(kfEvent, "new_servicer_userid");
                switch (kfEvent["change_type"]?.GetValue<int>())
                {
                    case KfSessionChanges.TakenFromPool or KfSessionChanges.Transferred or KfSessionChanges.Reopened when newServicer.Length > 0:
                        await EnsureAssignedAsync(storeId, conversationId, newServicer, msgId, sentAt, log, cancellationToken);
                        return;
                    case KfSessionChanges.Ended:
                        var by = Text(kfEvent, "old_servicer_userid") is { Length: > 0 } old ? old : "wecom-kf";
                        await commands.RunAsync(
                            new ResolveConversation(conversationId, by, sentAt), $"wecom-kf/msg/{msgId}",
                            new Actor(ActorKind.Agent, by), storeId, sentAt, log, cancellationToken);
                        return;
                    default:
                        log.Add($"{msgId} session change {kfEvent["change_type"]}: not mapped");
                        return;
                }

            default:
                log.Add($"{msgId} event {Text(kfEvent, "event_type")}: not mapped");
                return;
        }
    }

    private async Task EnsureStartedAsync(
        string storeId, string conversationId, string customer, bool botEnabled, string msgId, DateTimeOffset at, List<string> log, CancellationToken cancellationToken)
    {
        // Started by whichever of the customer's first message or the enter_session event comes first; later ones see it started.
        var state = (await commands.Service.Handler.LoadAsync(ConversationDecider.Decider, StreamIds.Conversation(conversationId), cancellationToken: cancellationToken)).State;
        if (state.Status != ConversationStatus.None)
        {
            return;
        }

        await commands.RunAsync(
            new StartConversation(conversationId, storeId, customer, Channels.WeComKf, null, botEnabled, [], at), $"wecom-kf/msg/{msgId}/start",
            new Actor(ActorKind.Customer, customer), storeId, at, log, cancellationToken);
    }

    /// <summary>A person answers: the conversation is handed off (if still with the assistant) and assigned to them (if not already).</summary>
    private async Task EnsureAssignedAsync(
        string storeId, string conversationId, string servicer, string msgId, DateTimeOffset at, List<string> log, CancellationToken cancellationToken)
    {
        var state = (await commands.Service.Handler.LoadAsync(ConversationDecider.Decider, StreamIds.Conversation(conversationId), cancellationToken: cancellationToken)).State;
        if (state.Status != ConversationStatus.Open)
        {
            log.Add($"{msgId}: conversation {conversationId} is {state.Status.ToString().ToLowerInvariant()}, nothing to assign");
            return;
        }

        if (state.Mode == ConversationMode.Bot)
        {
            await commands.RunAsync(
                new HandOffToHuman(conversationId, "wecom-kf servicer", at), $"wecom-kf/msg/{msgId}/handoff",
                new Actor(ActorKind.Bot, "wecom-kf"), storeId, at, log, cancellationToken);
        }

        if (state.AssignedAgent != servicer)
        {
            await commands.RunAsync(
                new AssignAgent(conversationId, servicer, at), $"wecom-kf/msg/{msgId}/assign",
                new Actor(ActorKind.Agent, servicer), storeId, at, log, cancellationToken);
        }
    }

    /// <summary>One conversation per account and customer; a customer writing after it ended reopens it.</summary>
    public static string ConversationIdOf(string openKfId, string externalUserId) => $"wecomkf-{openKfId}-{externalUserId}";

    private static string TextOf(JsonObject item, string msgType)
    {
        var text = msgType == "text" ? item["text"]?["content"]?.GetValue<string>() ?? "" : $"[{msgType}]";
        return text.Length > MaxTextLength ? text[..MaxTextLength] : text;
    }

    private static string Text(JsonObject item, string name) => item[name]?.GetValue<string>() ?? "";

    private async Task<string?> CursorAsync(string storeId, string openKfId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT cursor FROM connectors.kf_cursors WHERE store_id = @StoreId AND open_kfid = @OpenKfId",
            new { StoreId = storeId, OpenKfId = openKfId }, cancellationToken: cancellationToken));
    }

    private async Task SaveCursorAsync(string storeId, string openKfId, string cursor, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO connectors.kf_cursors (store_id, open_kfid, cursor) VALUES (@StoreId, @OpenKfId, @Cursor)
            ON CONFLICT (store_id, open_kfid) DO UPDATE SET cursor = excluded.cursor
            """,
            new { StoreId = storeId, OpenKfId = openKfId, Cursor = cursor }, cancellationToken: cancellationToken));
    }
}

/// <summary><c>origin</c> of a pulled message (kf/sync_msg).</summary>
public static class KfOrigins
{
    public const int Customer = 3;
    public const int System = 4;
    public const int Servicer = 5;
}

/// <summary><c>change_type</c> of a <c>session_status_change</c> event.</summary>
public static class KfSessionChanges
{
    /// <summary>从接待池接入会话: a servicer took the session from the waiting pool.</summary>
    public const int TakenFromPool = 1;

    /// <summary>转接会话: handed to another servicer.</summary>
    public const int Transferred = 2;

    /// <summary>结束会话.</summary>
    public const int Ended = 3;

    /// <summary>重新接入已结束/已转接会话.</summary>
    public const int Reopened = 4;
}
