using System.Globalization;
using OrderLedger.Projections.Runtime;

namespace OrderLedger.Api.Hosting;

/// <summary>
/// How far behind a projection may be while the host still counts as ready (section <c>Health</c>):
/// <c>MaxReadyLagEvents</c> where the store counts events (PostgreSQL), <c>MaxReadyLagSeconds</c> where it cannot (EventStoreDB).
/// </summary>
public sealed class HealthOptions
{
    public const string Section = "Health";
    public const long MaxLagEventsLimit = 10_000_000;
    public const double MaxLagSecondsLimit = 86_400;

    public long MaxReadyLagEvents { get; init; } = 500;

    public double MaxReadyLagSeconds { get; init; } = 60;

    public static HealthOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<HealthOptions>() ?? new HealthOptions();
        if (options.MaxReadyLagEvents is < 0 or > MaxLagEventsLimit)
        {
            throw new InvalidOperationException($"{Section}:MaxReadyLagEvents must be between 0 and {MaxLagEventsLimit:N0}; it is {options.MaxReadyLagEvents}.");
        }

        if (!(options.MaxReadyLagSeconds is >= 0 and <= MaxLagSecondsLimit))
        {
            throw new InvalidOperationException($"{Section}:MaxReadyLagSeconds must be between 0 and {MaxLagSecondsLimit:N0}; it is {options.MaxReadyLagSeconds}.");
        }

        return options;
    }
}

/// <summary>One projection's part in the readiness verdict.</summary>
public sealed record ProjectionReadiness(string Name, ProjectionState State, long? LagEvents, double? LagSeconds, bool Ready, string? Reason);

/// <summary>
/// The readiness rule: ready when no projection is faulted and every one is built, of the version this host's code reads,
/// and within the allowed lag (a projection no process has built yet, while the log holds events, is not). A host whose
/// code has a newer version of a projection than the one serving (its blue/green rebuild is under way) is not ready
/// until the switch: its queries may read tables or counts the old build does not have.
/// </summary>
public static class Readiness
{
    /// <param name="versions">This host's version of each projection by name (null: not checked).</param>
    public static IReadOnlyList<ProjectionReadiness> Assess(
        IEnumerable<ProjectionStatus> statuses, HealthOptions options, IReadOnlyDictionary<string, int>? versions = null) =>
        statuses.Select(s => Assess(s, options, versions?.GetValueOrDefault(s.Name))).ToList();

    private static ProjectionReadiness Assess(ProjectionStatus status, HealthOptions options, int? version)
    {
        var reason = status switch
        {
            { State: ProjectionState.Faulted } => "faulted",
            { LagEvents: null, LagSeconds: null, Head: not null } => "not built yet",
            { Generation: > 0 } when version > status.Version =>
                $"version {status.Version} serves, this host reads version {version}: ready once its rebuild switches",
            { LagEvents: { } events } when events > options.MaxReadyLagEvents => $"{events} events behind, more than {options.MaxReadyLagEvents}",
            { LagEvents: null, LagSeconds: { } seconds } when seconds > options.MaxReadyLagSeconds => string.Create(CultureInfo.InvariantCulture, $"{seconds:0} s behind, more than {options.MaxReadyLagSeconds:0}"),
            _ => null,
        };
        return new ProjectionReadiness(status.Name, status.State, status.LagEvents, status.LagSeconds, reason is null, reason);
    }
}
