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
}
