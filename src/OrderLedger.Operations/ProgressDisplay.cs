using System.Globalization;

namespace OrderLedger.Operations;

/// <summary>
/// Progress of a long verb (a rebuild, seeding): a bar redrawn in place when the output is a terminal, plain lines
/// otherwise (logs, pipes, tests), at most one every <see cref="LineInterval"/>.
/// </summary>
public sealed class ProgressDisplay(TextWriter output, bool terminal)
{
    private const int BarWidth = 30;
    private DateTimeOffset _lastLine = DateTimeOffset.MinValue;
    private bool _barShown;

    public static TimeSpan LineInterval { get; } = TimeSpan.FromSeconds(1);

    /// <summary>True when <paramref name="output"/> is the process's own, undirected console.</summary>
    public static bool IsTerminal(TextWriter output) => ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;

    /// <summary>"label [#####-----] done/total (pct%), rate ev/s, ETA hh:mm:ss".</summary>
    public static string Format(string label, long done, long? total, double eventsPerSecond, TimeSpan? eta, bool withBar, string unit = "")
    {
        var percent = total is > 0 ? Math.Min(100, 100.0 * done / total.Value) : (double?)null;
        var bar = "";
        if (withBar)
        {
            var filled = percent is { } p ? (int)Math.Round(p / 100 * BarWidth) : 0;
            bar = "[" + new string('#', filled) + new string('-', BarWidth - filled) + "] ";
        }

        var totalText = total?.ToString("N0", CultureInfo.InvariantCulture) ?? "?";
        var percentText = percent is { } pc ? string.Create(CultureInfo.InvariantCulture, $" ({pc:0.0}%)") : "";
        var etaText = eta is { } e ? e.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "?";
        return string.Create(CultureInfo.InvariantCulture,
            $"{label} {bar}{done:N0}/{totalText}{unit}{percentText}, {eventsPerSecond:N0} ev/s, ETA {etaText}");
    }

    /// <summary>Shows the latest progress; <paramref name="force"/> writes a plain line even within the interval.</summary>
    public void Report(string label, long done, long? total, double eventsPerSecond, TimeSpan? eta, bool force = false, string unit = "")
    {
        if (terminal)
        {
            output.Write("\r" + Format(label, done, total, eventsPerSecond, eta, withBar: true, unit).PadRight(100));
            output.Flush();
            _barShown = true;
            return;
        }

        var now = DateTimeOffset.UtcNow;
        if (force || now - _lastLine >= LineInterval)
        {
            output.WriteLine(Format(label, done, total, eventsPerSecond, eta, withBar: false, unit));
            _lastLine = now;
        }
    }

    /// <summary>Ends the bar's line so that what follows starts on a fresh one.</summary>
    public void Finish()
    {
        if (_barShown)
        {
            output.WriteLine();
            _barShown = false;
        }
    }
}
