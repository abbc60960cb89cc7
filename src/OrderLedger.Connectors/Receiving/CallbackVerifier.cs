using System.Globalization;

namespace OrderLedger.Connectors.Receiving;

/// <summary>The query parameters of a callback as the platform sends them.</summary>
public sealed record CallbackQuery(string? Signature, string? MsgSignature, string? Timestamp, string? Nonce, string? EchoStr);

/// <summary>
/// Checks a platform callback before anything is kept (docs/connectors.md, "Receiving"): the timestamp within the
/// window, the signature, and in safe mode the decryption and the receiver id. Plain mode signs token, timestamp and
/// nonce (<c>signature</c>); safe mode signs them with the ciphertext (<c>msg_signature</c>) — the ciphertext of the
/// body's <c>Encrypt</c> field, or the <c>echostr</c> of the URL check.
/// </summary>
public static class CallbackVerifier
{
    /// <summary>The URL check (GET): the text to answer — <c>echostr</c> decrypted in safe mode, as sent in plain mode.</summary>
    public static string VerifyUrl(CallbackQuery query, CallbackCredentials credentials, DateTimeOffset now, TimeSpan window)
    {
        var (timestamp, nonce) = Fresh(query, now, window);
        var echo = query.EchoStr ?? throw new CallbackRejectedException(CallbackRefusal.Malformed, "echostr is missing.");
        if (query.MsgSignature is not null)
        {
            Require(CallbackCrypto.SignatureMatches(query.MsgSignature, credentials.Token, timestamp, nonce, echo));
            return Open(echo, credentials);
        }

        Require(CallbackCrypto.SignatureMatches(query.Signature, credentials.Token, timestamp, nonce));
        return echo;
    }

    /// <summary>A notification (POST): the platform's message, decrypted in safe mode.</summary>
    public static string VerifyMessage(CallbackQuery query, string body, CallbackCredentials credentials, DateTimeOffset now, TimeSpan window)
    {
        var (timestamp, nonce) = Fresh(query, now, window);
        if (query.MsgSignature is null)
        {
            // Plain mode only where the store configured no key: a store in safe mode never takes plaintext.
            Require(credentials.EncodingAesKey is null && CallbackCrypto.SignatureMatches(query.Signature, credentials.Token, timestamp, nonce));
            return body;
        }

        var encrypted = PlatformMessage.Parse(body)["Encrypt"]
            ?? throw new CallbackRejectedException(CallbackRefusal.Malformed, "The body has no Encrypt field.");
        Require(CallbackCrypto.SignatureMatches(query.MsgSignature, credentials.Token, timestamp, nonce, encrypted));
        return Open(encrypted, credentials);
    }

    private static string Open(string ciphertext, CallbackCredentials credentials)
    {
        if (credentials.EncodingAesKey is null)
        {
            throw new CallbackRejectedException(CallbackRefusal.Undecryptable, "The store has no EncodingAESKey configured.");
        }

        var (message, receiveId) = CallbackCrypto.Decrypt(ciphertext, credentials.EncodingAesKey);
        if (!string.Equals(receiveId, credentials.ReceiveId, StringComparison.Ordinal))
        {
            throw new CallbackRejectedException(CallbackRefusal.WrongReceiver, "The message was sealed for another receiver.");
        }

        return message;
    }

    private static (string Timestamp, string Nonce) Fresh(CallbackQuery query, DateTimeOffset now, TimeSpan window)
    {
        if (query.Timestamp is null || query.Nonce is null || !long.TryParse(query.Timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            throw new CallbackRejectedException(CallbackRefusal.Malformed, "timestamp and nonce are required.");
        }

        var sent = DateTimeOffset.FromUnixTimeSeconds(Math.Min(seconds, DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
        if ((now - sent).Duration() > window)
        {
            throw new CallbackRejectedException(CallbackRefusal.StaleTimestamp, "The timestamp lies outside the accepted window.");
        }

        return (query.Timestamp, query.Nonce);
    }

    private static void Require(bool signatureMatches)
    {
        if (!signatureMatches)
        {
            throw new CallbackRejectedException(CallbackRefusal.BadSignature, "The signature does not match.");
        }
    }
}
