using OrderLedger.Projections.Runtime;
using Xunit;

namespace OrderLedger.Projections.Tests;

/// <summary>The projector's timing report: a line for an interval with work, silence for an idle one.</summary>
public sealed class TimingsTests
{
    [Fact]
    public void An_idle_interval_reports_nothing()
    {
        var timings = new Timings();
        timings.ReadWait(Timings.Now);
        timings.Projection("orders", Timings.Step.Wait, 1_000);

        Assert.Null(timings.TakeReport());
    }

    [Fact]
    public void An_interval_with_events_reports_them_once()
    {
        var timings = new Timings();
        timings.DeliverWait(Timings.Now, events: 250);
        timings.Projection("orders", Timings.Step.Events, 250);

        var first = timings.TakeReport();
        var second = timings.TakeReport();

        Assert.NotNull(first);
        Assert.StartsWith("reader: 250 events;", first, StringComparison.Ordinal);
        Assert.Contains("orders: 250 ev;", first, StringComparison.Ordinal);
        Assert.Null(second);
    }
}
