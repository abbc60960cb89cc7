using System.Globalization;
using Microsoft.Extensions.Configuration;
using OrderLedger.Projections.Runtime;

namespace OrderLedger.Reactors;

/// <summary>How the reactors run (docs/reactors.md).</summary>
public sealed class ReactorOptions
{
    /// <summary>The read-model database (where <c>rm.reactor_timers</c> lives); defaults to the projections' connection.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Schema of the read-model views (the projections' <c>ViewSchema</c>).</summary>
    public string ViewSchema { get; set; } = ProjectionOptions.DefaultViewSchema;

    /// <summary>How often due timers are looked for.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most timers fired in one pass.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>
    /// A timer fires at its due time, but no sooner than this after the fact that armed it was recorded (the store's
    /// timestamp of the event, not its business time), and never held longer than its own delay: at
    /// max(due, recorded + min(grace, due − the fact's business time)). A live fact is recorded when it happens, so its
    /// timers fire at their due time, a timer due at once (repeat contact, auto-refund, unreservable line) at once.
    /// Imported history (a connector backfilling yesterday's chat, a shop replaying its orders) arms timers that were
    /// due long before they were recorded; its sender is still sending the facts that come next — the hand-off, the
    /// reply — and a timer fired in between would take their place and refuse them (<c>occurred-at.before-last-event</c>,
    /// or a hand-off already done). Such a timer waits as long after the recording as it would have waited after the
    /// fact, up to this grace: two minutes, the bot hand-off's default delay. The fired command is still dated at the
    /// due time. <see cref="TimeSpan.Zero"/>: no grace, and the recorded time is not consulted (a host whose clock is
    /// simulated, as in tests, is then not held by the database's wall clock).
    /// </summary>
    public TimeSpan RecordedGrace { get; set; } = DefaultRecordedGrace;

    /// <summary>The default <see cref="RecordedGrace"/>: two minutes, the default bot hand-off delay.</summary>
    public static readonly TimeSpan DefaultRecordedGrace = TimeSpan.FromMinutes(2);

    /// <summary>The host's settings of the <c>Reactors</c> section: <c>Reactors:RecordedGrace</c> (a time span, e.g. <c>00:02:00</c>).</summary>
    public void Bind(IConfiguration configuration)
    {
        if (configuration["Reactors:RecordedGrace"] is { Length: > 0 } grace)
        {
            RecordedGrace = TimeSpan.TryParse(grace, CultureInfo.InvariantCulture, out var parsed) && parsed >= TimeSpan.Zero
                ? parsed
                : throw new InvalidOperationException($"Reactors:RecordedGrace must be a time span of zero or more (e.g. 00:02:00), not '{grace}'.");
        }
    }
}
