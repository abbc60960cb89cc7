using System.Globalization;

namespace OrderLedger.Web.Tests;

/// <summary>How the pages write figures (wwwroot/js/app.js), so a test can compare the API's numbers with the text shown.</summary>
public static class Formats
{
    public const string Dash = "—";

    public static string Percent(double? ratio) => ratio is { } r ? (r * 100).ToString("F1", CultureInfo.InvariantCulture) + " %" : Dash;

    public static string Count(long? n) => n is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : Dash;

    public static string Score(double? n) => n is { } v ? v.ToString("F1", CultureInfo.InvariantCulture) : Dash;

    public static string Duration(double? seconds) => seconds switch
    {
        null => Dash,
        < 120 => seconds.Value.ToString("F0", CultureInfo.InvariantCulture) + " s",
        < 7200 => (seconds.Value / 60).ToString("F1", CultureInfo.InvariantCulture) + " min",
        < 172800 => (seconds.Value / 3600).ToString("F1", CultureInfo.InvariantCulture) + " h",
        _ => (seconds.Value / 86400).ToString("F1", CultureInfo.InvariantCulture) + " d",
    };
}
