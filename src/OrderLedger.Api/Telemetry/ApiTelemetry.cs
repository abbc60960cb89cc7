using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OrderLedger.Api.Telemetry;

/// <summary>
/// The host's own instruments (meter and activity source <c>OrderLedger</c>): command duration and outcome, append
/// latency and appended events (events/s is the rate of <c>orderledger.events.appended</c>), and projection lag.
/// </summary>
public sealed class ApiTelemetry : IDisposable
{
    public const string Name = "OrderLedger";

    private readonly Meter _meter;
    private readonly Histogram<double> _commandDuration;
    private readonly Histogram<double> _appendDuration;
    private readonly Counter<long> _eventsAppended;

    public ApiTelemetry(IMeterFactory meters)
    {
        _meter = meters.Create(Name);
        _commandDuration = _meter.CreateHistogram<double>("orderledger.command.duration", "s", "Time to handle a command, by command and outcome.");
        _appendDuration = _meter.CreateHistogram<double>("orderledger.eventstore.append.duration", "s", "Latency of one append to the event store.");
        _eventsAppended = _meter.CreateCounter<long>("orderledger.events.appended", "{event}", "Events appended to the event store.");
    }

    public static ActivitySource Source { get; } = new(Name);

    public Meter Meter => _meter;

    public void CommandHandled(string command, string? rule, TimeSpan elapsed) =>
        _commandDuration.Record(elapsed.TotalSeconds, new("command", command), new("outcome", rule ?? "accepted"));

    public void Appended(int events, TimeSpan elapsed, bool succeeded)
    {
        _appendDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", succeeded ? "ok" : "error"));
        if (succeeded)
        {
            _eventsAppended.Add(events);
        }
    }

    public void Dispose() => _meter.Dispose();
}
