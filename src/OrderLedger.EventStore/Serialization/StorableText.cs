using System.Text.Encodings.Web;
using System.Text.Json;

namespace OrderLedger.EventStore.Serialization;

/// <summary>
/// Text that PostgreSQL can store. <c>text</c> and <c>jsonb</c> refuse NUL, so one event with a NUL in a string (written by
/// a build before the input rules, or by another tool) would stop every projection that copies that string into a row.
/// Decoding replaces each NUL with U+FFFD, the Unicode replacement character, in the data and metadata of such an event;
/// the stored bytes are never changed (the hash chain still verifies). Events without a NUL escape are passed through
/// after one vectorised search.
/// </summary>
public static class StorableText
{
    public const char Replacement = '\uFFFD';

    public static string Clean(string text) => text.Contains('\0', StringComparison.Ordinal) ? text.Replace('\0', Replacement) : text;

    public static string? CleanOrNull(string? text) => text is null ? null : Clean(text);

    /// <summary>The JSON with every string (and property name) cleaned; the same bytes when there was nothing to clean.</summary>
    public static ReadOnlyMemory<byte> CleanJson(ReadOnlyMemory<byte> json)
    {
        if (json.Span.IndexOf("\\u0000"u8) < 0)
        {
            return json;
        }

        try
        {
            var reader = new Utf8JsonReader(json.Span);
            using var buffer = new MemoryStream(json.Length);
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true }))
            {
                while (reader.Read())
                {
                    Copy(ref reader, writer);
                }
            }

            return buffer.ToArray();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not JSON, or not text the reader can decode: the decoder reports it as it would have.
            return json;
        }
    }

    private static void Copy(ref Utf8JsonReader reader, Utf8JsonWriter writer)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                writer.WriteStartObject();
                break;
            case JsonTokenType.EndObject:
                writer.WriteEndObject();
                break;
            case JsonTokenType.StartArray:
                writer.WriteStartArray();
                break;
            case JsonTokenType.EndArray:
                writer.WriteEndArray();
                break;
            case JsonTokenType.PropertyName:
                writer.WritePropertyName(Clean(reader.GetString()!));
                break;
            case JsonTokenType.String:
                writer.WriteStringValue(Clean(reader.GetString()!));
                break;
            case JsonTokenType.Number:
                writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                break;
            case JsonTokenType.True or JsonTokenType.False:
                writer.WriteBooleanValue(reader.GetBoolean());
                break;
            case JsonTokenType.Null:
                writer.WriteNullValue();
                break;
        }
    }
}
