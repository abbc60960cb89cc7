using Microsoft.Extensions.Logging;
using OrderLedger.Connectors.Generic;
using OrderLedger.Connectors.Inbox;

namespace OrderLedger.Connectors.Receiving;

/// <summary>
/// What the webhook endpoints do: find the store's credentials, verify, keep the notification in the inbox, count the
/// outcome. Refusals are logged with their reason and the store, never with a token, key or secret.
/// </summary>
public sealed partial class CallbackReceiver(ConnectorOptions options, ConnectorInbox inbox, ConnectorTelemetry telemetry, TimeProvider time, ILogger<CallbackReceiver> logger)
{
    /// <summary>The URL check: the text to answer.</summary>
    public string VerifyUrl(string channel, string storeId, CallbackQuery query) =>
        Counted(channel, storeId, "url-verified", () => CallbackVerifier.VerifyUrl(query, CredentialsOf(channel, storeId), time.GetUtcNow(), options.TimestampWindow));

    /// <summary>A notification: verified, then appended to the store's inbox before the platform hears <c>success</c>.</summary>
    public async Task ReceiveAsync(string channel, string storeId, CallbackQuery query, string body, CancellationToken cancellationToken)
    {
        var message = Counted(channel, storeId, null, () =>
        {
            var opened = CallbackVerifier.VerifyMessage(query, body, CredentialsOf(channel, storeId), time.GetUtcNow(), options.TimestampWindow);
            PlatformMessage.Parse(opened);
            return opened;
        });
        await inbox.AppendAsync(channel, storeId, message, cancellationToken);
        telemetry.Callback(channel, "accepted");
    }

    public async Task ReceiveGenericAsync(string storeId, string? signature, string? timestamp, string body, CancellationToken cancellationToken)
    {
        Counted(Channels.Generic, storeId, null, () =>
        {
            var credentials = options.Generic.GetValueOrDefault(storeId) ?? throw NotConfigured();
            GenericEnvelope.Verify(signature, timestamp, body, credentials, time.GetUtcNow(), options.TimestampWindow);
            return GenericEnvelope.Parse(body);
        });
        await inbox.AppendAsync(Channels.Generic, storeId, body, cancellationToken);
        telemetry.Callback(Channels.Generic, "accepted");
    }

    private CallbackCredentials CredentialsOf(string channel, string storeId) => channel switch
    {
        Channels.WeChatShop => (CallbackCredentials?)options.WeChatShop.GetValueOrDefault(storeId),
        Channels.WeComKf => options.WeComKf.GetValueOrDefault(storeId),
        _ => null,
    } ?? throw NotConfigured();

    private static CallbackRejectedException NotConfigured() => new(CallbackRefusal.NotConfigured, "No such connector.");

    private T Counted<T>(string channel, string storeId, string? success, Func<T> verify)
    {
        try
        {
            var result = verify();
            if (success is not null)
            {
                telemetry.Callback(channel, success);
            }

            return result;
        }
        catch (CallbackRejectedException refused)
        {
            var outcome = OutcomeOf(refused.Refusal);
            telemetry.Callback(channel, outcome);
            LogRefused(channel, storeId, outcome);
            throw;
        }
    }

    /// <summary>The refusal as the counter's <c>outcome</c> tag: <c>bad-signature</c>, <c>stale-timestamp</c>, ….</summary>
    public static string OutcomeOf(CallbackRefusal refusal) => refusal switch
    {
        CallbackRefusal.NotConfigured => "not-configured",
        CallbackRefusal.BadSignature => "bad-signature",
        CallbackRefusal.StaleTimestamp => "stale-timestamp",
        CallbackRefusal.Undecryptable => "undecryptable",
        CallbackRefusal.WrongReceiver => "wrong-receiver",
        _ => "malformed",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a {Channel} callback for store {StoreId}: {Outcome}")]
    private partial void LogRefused(string channel, string storeId, string outcome);
}
