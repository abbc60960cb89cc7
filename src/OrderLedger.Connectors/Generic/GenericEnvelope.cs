using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrderLedger.Connectors.Receiving;

namespace OrderLedger.Connectors.Generic;

/// <summary>
/// The generic webhook's envelope, CloudEvents-style (docs/connectors.md): <c>{"id", "source", "type", "time", "data"}</c>,
/// signed with HMAC-SHA256 over <c>{timestamp}.{body}</c> with the store's secret: header
/// <c>X-OrderLedger-Timestamp</c> (Unix seconds) and <c>X-OrderLedger-Signature: sha256={hex}</c>.
/// </summary>
public sealed record GenericEnvelope(string Id, string Source, string Type, DateTimeOffset Time, JsonObject Data)
{
    public const string SignatureHeader = "X-OrderLedger-Signature";
    public const string TimestampHeader = "X-OrderLedger-Timestamp";
    public const int MaxIdLength = 200;

    public static string Sign(string secret, string timestamp, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));

    /// <summary>Checks the timestamp window and the signature; throws <see cref="CallbackRejectedException"/> when either fails.</summary>
    public static void Verify(string? signature, string? timestamp, string body, GenericCredentials credentials, DateTimeOffset now, TimeSpan window)
    {
        if (timestamp is null || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            throw new CallbackRejectedException(CallbackRefusal.Malformed, $"{TimestampHeader} is required.");
        }

        if ((now - DateTimeOffset.FromUnixTimeSeconds(Math.Min(seconds, DateTimeOffset.MaxValue.ToUnixTimeSeconds()))).Duration() > window)
        {
            throw new CallbackRejectedException(CallbackRefusal.StaleTimestamp, "The timestamp lies outside the accepted window.");
        }

        var expected = Encoding.ASCII.GetBytes(Sign(credentials.Secret, timestamp, body));
        if (signature is null || credentials.Secret.Length == 0 || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(signature), expected))
        {
            throw new CallbackRejectedException(CallbackRefusal.BadSignature, "The signature does not match.");
        }
    }

    /// <summary>Reads an envelope; throws <see cref="CallbackRejectedException"/> (malformed) when a field is missing or out of bounds.</summary>
    public static GenericEnvelope Parse(string body)
    {
        try
        {
            if (JsonNode.Parse(body) is not JsonObject root
                || root["id"]?.GetValue<string>() is not { Length: > 0 and <= MaxIdLength } id
                || root["source"]?.GetValue<string>() is not { Length: > 0 and <= MaxIdLength } source
                || root["type"]?.GetValue<string>() is not { Length: > 0 and <= MaxIdLength } type
                || root["time"]?.GetValue<string>() is not { } time
                || !DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
                || root["data"] is not JsonObject data)
            {
                throw new CallbackRejectedException(CallbackRefusal.Malformed, "The envelope needs id, source, type (each 1–200 characters), time (RFC 3339) and a data object.");
            }

            return new GenericEnvelope(id, source, type, at, data);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new CallbackRejectedException(CallbackRefusal.Malformed, "The envelope is not valid JSON of the documented shape.");
        }
    }
}
