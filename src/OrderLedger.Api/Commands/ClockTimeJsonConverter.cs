using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrderLedger.Api.Commands;

/// <summary>
/// A time of day as service hours are written: "HH:mm" or "HH:mm:ss", and "24:00" for the end of the day, which is
/// midnight (00:00): a day closing at 00:00 runs to midnight, and opens = closes is round the clock (docs/metrics.md).
/// Anything else is a 400 naming the field and the format.
/// </summary>
public sealed class ClockTimeJsonConverter : JsonConverter<TimeOnly?>
{
    public const string Format = "a time of day \"HH:mm\" or \"HH:mm:ss\" (00:00–23:59:59), or \"24:00\" for the end of the day";

    private static readonly string[] Formats = ["HH:mm", "HH:mm:ss", "HH:mm:ss.FFFFFFF"];

    public override TimeOnly? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        if (text is "24:00" or "24:00:00")
        {
            return TimeOnly.MinValue;
        }

        return TimeOnly.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : throw new FormatException($"'{text}' is not {Format}.");
    }

    public override void Write(Utf8JsonWriter writer, TimeOnly? value, JsonSerializerOptions options)
    {
        if (value is { } time)
        {
            writer.WriteStringValue(time.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>A time that is not one: its message is the answer to the client.</summary>
    public sealed class FormatException(string message) : JsonException(message);
}
