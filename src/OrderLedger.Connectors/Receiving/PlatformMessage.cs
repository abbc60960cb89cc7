using System.Globalization;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;

namespace OrderLedger.Connectors.Receiving;

/// <summary>
/// The fields of a platform message, JSON or XML as the platform sent it, by dotted path (<c>order_info.order_id</c>):
/// both connectors read the same names whichever format the merchant chose at registration.
/// </summary>
public sealed class PlatformMessage
{
    public const string Json = "application/json";
    public const string Xml = "application/xml";

    private readonly Dictionary<string, string> _fields;

    private PlatformMessage(string contentType, Dictionary<string, string> fields)
    {
        ContentType = contentType;
        _fields = fields;
    }

    public string ContentType { get; }

    public string? this[string path] => _fields.GetValueOrDefault(path);

    public string? Event => this["Event"];

    /// <summary>The format of <paramref name="text"/>: XML when it starts with <c>&lt;</c>, else JSON.</summary>
    public static string FormatOf(string text) => text.AsSpan().TrimStart().StartsWith("<") ? Xml : Json;

    /// <summary>Reads a message; throws <see cref="CallbackRejectedException"/> (malformed) for anything else.</summary>
    public static PlatformMessage Parse(string text)
    {
        var format = FormatOf(text);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            if (format == Xml)
            {
                // No DTDs, no external entities: the settings refuse them before a byte of the document is read.
                using var reader = XmlReader.Create(new StringReader(text), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
                var root = XElement.Load(reader);
                foreach (var element in root.Elements())
                {
                    Flatten(element, element.Name.LocalName, fields);
                }
            }
            else
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new CallbackRejectedException(CallbackRefusal.Malformed, "The message is not a JSON object.");
                }

                Flatten(document.RootElement, "", fields);
            }
        }
        catch (Exception ex) when (ex is XmlException or JsonException)
        {
            throw new CallbackRejectedException(CallbackRefusal.Malformed, "The message is neither JSON nor XML.");
        }

        return new PlatformMessage(format, fields);
    }

    private static void Flatten(XElement element, string path, Dictionary<string, string> fields)
    {
        if (!element.HasElements)
        {
            fields.TryAdd(path, element.Value);
            return;
        }

        foreach (var child in element.Elements())
        {
            Flatten(child, $"{path}.{child.Name.LocalName}", fields);
        }
    }

    private static void Flatten(JsonElement element, string path, Dictionary<string, string> fields)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", fields);
                }

                break;
            case JsonValueKind.String:
                fields.TryAdd(path, element.GetString()!);
                break;
            case JsonValueKind.Number:
                fields.TryAdd(path, element.GetRawText());
                break;
            case JsonValueKind.True or JsonValueKind.False:
                fields.TryAdd(path, element.GetBoolean().ToString(CultureInfo.InvariantCulture).ToLowerInvariant());
                break;
            default:
                break;
        }
    }
}
