using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrderLedger.Connectors.Platform;

/// <summary>Reading the platforms' JSON, where ids come as numbers or strings depending on the page and the year.</summary>
internal static class Json
{
    public static string Text(JsonNode? node, string name) => Text(node?[name]);

    public static string Text(JsonNode? node) => node is JsonValue value
        ? value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number => value.ToJsonString(),
            _ => "",
        }
        : "";

    public static long Number(JsonNode? node, string name) =>
        long.TryParse(Text(node, name), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? number : 0;

    public static DateTimeOffset Time(JsonNode? node, string name) => DateTimeOffset.FromUnixTimeSeconds(Number(node, name));

    /// <summary>An amount in the currency's minor unit (分) as the ledger's decimal.</summary>
    public static decimal Money(JsonNode? node, string name) => Number(node, name) * 0.01m; // scale 2: 1000 分 is 10.00
}
