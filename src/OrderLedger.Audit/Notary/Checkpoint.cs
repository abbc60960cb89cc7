using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using NSec.Cryptography;

namespace OrderLedger.Audit.Notary;

/// <summary>
/// A signed tree head: the notary's statement that the first <see cref="TreeSize"/> events of $all, up to
/// <see cref="LastPosition"/>, have the Merkle root <see cref="RootHash"/>. The signature is Ed25519 over
/// <see cref="SignedText"/>, so anyone with the public key checks it, and no one without the private key forges one.
/// </summary>
public sealed record SignedCheckpoint(
    string Format, long TreeSize, string RootHash, string LastPosition, DateTimeOffset Time, string KeyId, string Signature)
{
    public const string CurrentFormat = "orderledger-checkpoint/v1";

    /// <summary>The exact bytes signed: one field a line, the time as UTC ISO 8601 with 7 fractional digits.</summary>
    public static byte[] SignedText(long treeSize, string rootHash, string lastPosition, DateTimeOffset time) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{CurrentFormat}\n{treeSize}\n{rootHash}\n{lastPosition}\n{time.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffffffZ}\n"));

    public static SignedCheckpoint Sign(long treeSize, byte[] root, string lastPosition, DateTimeOffset time, NotaryKey key)
    {
        var rootHex = Convert.ToHexStringLower(root);
        var utc = time.ToUniversalTime();
        var signature = key.Sign(SignedText(treeSize, rootHex, lastPosition, utc));
        return new SignedCheckpoint(CurrentFormat, treeSize, rootHex, lastPosition, utc, key.Public.KeyId, Convert.ToBase64String(signature));
    }

    /// <summary>True when the signature is the given key's over these fields (and the format is one this code reads).</summary>
    public bool IsSignedBy(NotaryPublicKey key)
    {
        try
        {
            return Format == CurrentFormat
                && key.Verify(SignedText(TreeSize, RootHash, LastPosition, Time), Convert.FromBase64String(Signature));
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public byte[] Root() => Convert.FromHexString(RootHash);

    public string ToJson() => AuditDocuments.Write(this);

    public static SignedCheckpoint FromJson(string json) => AuditDocuments.Read<SignedCheckpoint>(json, "a checkpoint");

    /// <summary>One file per checkpoint, named by its tree size so they sort in log order.</summary>
    [JsonIgnore]
    public string FileName => string.Create(CultureInfo.InvariantCulture, $"checkpoint-{TreeSize:D12}.json");
}

/// <summary>The JSON of checkpoints and proofs: files an auditor reads and keeps.</summary>
internal static class AuditDocuments
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string Write<T>(T document) => JsonSerializer.Serialize(document, Json);

    public static T Read<T>(string json, string what)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Json) ?? throw new InvalidDataException($"Not {what}: the document is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Not {what}: {ex.Message}", ex);
        }
    }
}

/// <summary>The notary's Ed25519 private key, kept in a file outside the database (PKCS#8 PEM, mode 0600).</summary>
public sealed class NotaryKey : IDisposable
{
    private static readonly SignatureAlgorithm Ed25519 = SignatureAlgorithm.Ed25519;
    private readonly Key _key;

    private NotaryKey(Key key)
    {
        _key = key;
        Public = new NotaryPublicKey(key.PublicKey);
    }

    public NotaryPublicKey Public { get; }

    public static NotaryKey Generate() =>
        new(Key.Create(Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));

    /// <summary>Writes the key to a new file readable by its owner only; an existing file is never overwritten.</summary>
    public void WriteTo(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var file = new FileStream(path, options);
        file.Write(_key.Export(KeyBlobFormat.PkixPrivateKeyText));
    }

    public static NotaryKey ReadFrom(string path)
    {
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new InvalidDataException($"The notary key {path} is readable by others; it must be mode 0600 (chmod 600 {path}).");
        }

        try
        {
            return new NotaryKey(Key.Import(Ed25519, File.ReadAllBytes(path), KeyBlobFormat.PkixPrivateKeyText));
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException($"{path} is not an Ed25519 private key (PEM).", ex);
        }
    }

    public byte[] Sign(byte[] message) => Ed25519.Sign(_key, message);

    public void Dispose() => _key.Dispose();
}

/// <summary>The notary's public key: all an auditor needs to check checkpoints and proofs (SubjectPublicKeyInfo PEM).</summary>
public sealed class NotaryPublicKey
{
    private static readonly SignatureAlgorithm Ed25519 = SignatureAlgorithm.Ed25519;
    private readonly PublicKey _key;

    internal NotaryPublicKey(PublicKey key)
    {
        _key = key;
        var raw = key.Export(KeyBlobFormat.RawPublicKey);
        KeyId = Convert.ToHexStringLower(SHA256.HashData(raw).AsSpan(0, 8));
        Pem = Encoding.ASCII.GetString(key.Export(KeyBlobFormat.PkixPublicKeyText));
    }

    /// <summary>The first 8 bytes of SHA-256 of the raw key, in hex: names the key a checkpoint was signed with.</summary>
    public string KeyId { get; }

    public string Pem { get; }

    public static NotaryPublicKey Parse(string pem)
    {
        try
        {
            return new NotaryPublicKey(PublicKey.Import(Ed25519, Encoding.ASCII.GetBytes(pem), KeyBlobFormat.PkixPublicKeyText));
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException("Not an Ed25519 public key (PEM).", ex);
        }
    }

    public static NotaryPublicKey ReadFrom(string path) => Parse(File.ReadAllText(path));

    public bool Verify(byte[] message, byte[] signature) => Ed25519.Verify(_key, message, signature);
}
