using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace OrderLedger.Connectors.Receiving;

/// <summary>
/// The callback scheme WeChat and WeCom share (WeCom 加解密方案说明, developer.work.weixin.qq.com/document/path/91144):
/// the signature is the hex SHA-1 of the token, timestamp, nonce and (in safe mode) the ciphertext, sorted and
/// concatenated; the ciphertext is AES-256-CBC with key = Base64(EncodingAESKey + "="), IV = the key's first 16 bytes,
/// PKCS#7 padding to a multiple of 32 bytes, over 16 random bytes ‖ the message length (4 bytes, big-endian) ‖ the
/// message ‖ the receiver's id (app id or corp id).
/// </summary>
public static class CallbackCrypto
{
    private const int RandomPrefix = 16;
    private const int PaddingBlock = 32;

    public static string Signature(params string[] parts)
    {
        var sorted = parts.Order(StringComparer.Ordinal);
#pragma warning disable CA5350 // SHA-1 is what both platforms sign with; the ledger only checks it, it protects nothing of its own with it.
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(sorted))));
#pragma warning restore CA5350
    }

    /// <summary>True when <paramref name="given"/> is the signature of <paramref name="parts"/> (compared in constant time).</summary>
    public static bool SignatureMatches(string? given, params string[] parts) =>
        given is { Length: 40 } && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(given.ToLowerInvariant()), Encoding.ASCII.GetBytes(Signature(parts)));

    public static byte[] AesKey(string encodingAesKey)
    {
        if (encodingAesKey.Length != 43)
        {
            throw new CallbackRejectedException(CallbackRefusal.Undecryptable, "The EncodingAESKey must be 43 characters.");
        }

        return Convert.FromBase64String(encodingAesKey + "=");
    }

    /// <summary>Decrypts <paramref name="ciphertextBase64"/>; returns the message and the receiver id it was sealed for.</summary>
    public static (string Message, string ReceiveId) Decrypt(string ciphertextBase64, string encodingAesKey)
    {
        var key = AesKey(encodingAesKey);
        byte[] plain;
        try
        {
            using var aes = Aes.Create();
            aes.Key = key;
            plain = aes.DecryptCbc(Convert.FromBase64String(ciphertextBase64), key.AsSpan(0, 16), PaddingMode.None);
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            throw new CallbackRejectedException(CallbackRefusal.Undecryptable, "The ciphertext does not decrypt.");
        }

        var pad = plain.Length == 0 ? 0 : plain[^1];
        if (pad is < 1 or > PaddingBlock || pad > plain.Length - RandomPrefix - 4)
        {
            throw new CallbackRejectedException(CallbackRefusal.Undecryptable, "The plaintext's padding is wrong.");
        }

        var body = plain.AsSpan(0, plain.Length - pad);
        var length = BinaryPrimitives.ReadInt32BigEndian(body.Slice(RandomPrefix, 4));
        if (length < 0 || length > body.Length - RandomPrefix - 4)
        {
            throw new CallbackRejectedException(CallbackRefusal.Undecryptable, "The plaintext's length is wrong.");
        }

        var message = body.Slice(RandomPrefix + 4, length);
        var receiveId = body[(RandomPrefix + 4 + length)..];
        return (Encoding.UTF8.GetString(message), Encoding.UTF8.GetString(receiveId));
    }
}

/// <summary>Why a callback was refused; the name is the counter's <c>outcome</c> tag and the problem's detail.</summary>
public enum CallbackRefusal
{
    /// <summary>No such connector for the store (answered 404).</summary>
    NotConfigured,
    BadSignature,
    StaleTimestamp,
    Undecryptable,

    /// <summary>Decrypted, but sealed for another app id or corp id.</summary>
    WrongReceiver,
    Malformed,
}

public sealed class CallbackRejectedException(CallbackRefusal refusal, string message) : Exception(message)
{
    public CallbackRefusal Refusal { get; } = refusal;
}
