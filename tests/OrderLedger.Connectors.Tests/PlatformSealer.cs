using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace OrderLedger.Connectors.Tests;

/// <summary>
/// What the platform does to a callback, written from the documentation (WeCom 加解密方案说明) and independently of the
/// code under test: sign with SHA-1 over the sorted strings, seal with AES-256-CBC, key = Base64(EncodingAESKey + "="),
/// IV = its first 16 bytes, plaintext = 16 random bytes ‖ length (4 bytes big-endian) ‖ message ‖ receiver id,
/// PKCS#7-padded to 32.
/// </summary>
public static class PlatformSealer
{
    public static string NewEncodingAesKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=');

#pragma warning disable CA5350 // the platforms' own signature algorithm
    public static string Sign(params string[] parts) =>
        Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(parts.Order(StringComparer.Ordinal)))));
#pragma warning restore CA5350

    public static string Seal(string message, string encodingAesKey, string receiveId)
    {
        var key = Convert.FromBase64String(encodingAesKey + "=");
        var text = Encoding.UTF8.GetBytes(message);
        var id = Encoding.UTF8.GetBytes(receiveId);
        var length = 16 + 4 + text.Length + id.Length;
        var pad = 32 - (length % 32);
        var plain = new byte[length + pad];
        RandomNumberGenerator.Fill(plain.AsSpan(0, 16));
        BinaryPrimitives.WriteInt32BigEndian(plain.AsSpan(16, 4), text.Length);
        text.CopyTo(plain, 20);
        id.CopyTo(plain, 20 + text.Length);
        plain.AsSpan(length).Fill((byte)pad);
        using var aes = Aes.Create();
        aes.Key = key;
        return Convert.ToBase64String(aes.EncryptCbc(plain, key.AsSpan(0, 16), PaddingMode.None));
    }

    /// <summary>The query string and body of a safe-mode POST, as the platform sends it (XML envelope unless <paramref name="json"/>).</summary>
    public static (string Query, string Body) SafeModePost(string message, string token, string encodingAesKey, string receiveId, DateTimeOffset at, bool json = false)
    {
        var encrypted = Seal(message, encodingAesKey, receiveId);
        var timestamp = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var signature = Sign(token, timestamp, nonce, encrypted);
        var body = json
            ? $$"""{"ToUserName":"{{receiveId}}","Encrypt":"{{encrypted}}"}"""
            : $"<xml><ToUserName><![CDATA[{receiveId}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt><AgentID><![CDATA[]]></AgentID></xml>";
        return ($"?msg_signature={signature}&timestamp={timestamp}&nonce={nonce}", body);
    }
}
