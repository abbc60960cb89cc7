using System.Diagnostics.Metrics;

namespace OrderLedger.Connectors;

/// <summary>
/// The connectors' instruments, on the host's meter <c>OrderLedger</c> (exported with the rest, docs/api.md):
/// callbacks by channel and outcome (<c>accepted</c>, <c>url-verified</c>, or the refusal), and inbox entries handled.
/// </summary>
public sealed class ConnectorTelemetry : IDisposable
{
    public const string MeterName = "OrderLedger";

    private readonly Meter _meter;
    private readonly Counter<long> _callbacks;
    private readonly Counter<long> _handled;

    public ConnectorTelemetry(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _callbacks = _meter.CreateCounter<long>("orderledger.connectors.callbacks", "{callback}", "Platform callbacks received, by channel and outcome.");
        _handled = _meter.CreateCounter<long>("orderledger.connectors.inbox.handled", "{notification}", "Inbox entries the connector worker turned into commands, by channel.");
    }

    public void Callback(string channel, string outcome) =>
        _callbacks.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("outcome", outcome));

    public void Handled(string channel) => _handled.Add(1, new KeyValuePair<string, object?>("channel", channel));

    public void Dispose() => _meter.Dispose();
}
