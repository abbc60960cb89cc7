using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace OrderLedger.Projections.Runtime;

/// <summary>How the projection runtime runs (docs/projections.md). Bound from the <c>Projections</c> configuration section.</summary>
public sealed partial class ProjectionOptions
{
    /// <summary>The configuration section the options are bound from (<c>Projections:BatchSize</c>, …).</summary>
    public const string Section = "Projections";

    public const string DefaultViewSchema = "rm";

    /// <summary>The read-model database; defaults to <c>ConnectionStrings:Postgres</c>.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>When false (<c>Projections:Run</c>), this process only answers status and rebuild calls; another process runs the projectors.</summary>
    [ConfigurationKeyName("Run")]
    public bool RunProjectors { get; set; } = true;

    /// <summary>Schema of the runtime's own tables (registry, generations with checkpoints).</summary>
    public string RegistrySchema { get; set; } = "projections";

    /// <summary>Schema of the stable views readers query (<c>rm.&lt;table&gt;</c>).</summary>
    public string ViewSchema { get; set; } = DefaultViewSchema;

    /// <summary>N: the most events (handled or not) one batch transaction covers.</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>
    /// While a generation is catching up (far behind the head), the most events one batch transaction covers: fewer,
    /// larger transactions (and commits) per event. Live batches stay at <see cref="BatchSize"/> and <see cref="BatchWindow"/>.
    /// Every projection holds its batch's rows in memory at once, so this also sets the projector's peak memory: 5,000
    /// took a 9-projection rebuild to 430 MB resident, 2,500 to about 250 MB (docs/benchmarks.md).
    /// </summary>
    public int CatchUpBatchSize { get; set; } = 2500;

    /// <summary>T: once a batch has its first event, how long to wait for more before writing it.</summary>
    public TimeSpan BatchWindow { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary><see cref="BatchWindow"/> in milliseconds, as configuration spells it (<c>Projections:BatchWindowMs</c>).</summary>
    public int BatchWindowMs
    {
        get => (int)BatchWindow.TotalMilliseconds;
        set => BatchWindow = TimeSpan.FromMilliseconds(value);
    }

    /// <summary>How often a standby tries to take a projection's lock (takeover time is about this).</summary>
    public TimeSpan LockRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the active instance checks its lock, writes its heartbeat and looks for rebuild requests.</summary>
    public TimeSpan ControlInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>First retry delay after a transient database error; doubles up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A projection whose heartbeat is older than this has no active instance (state <c>stopped</c>).</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// When set, this process knows only these projections (by name): it runs and reports no other. Lets a deployment
    /// split projections across processes, and the benchmark build the core read models alone.
    /// </summary>
    public IReadOnlySet<string>? Only { get; set; }

    /// <summary>
    /// What a projection does when its handler fails on an event: <see cref="FailurePolicy.Park"/> (default) records the
    /// event in <c>parked_events</c> and goes on, <see cref="FailurePolicy.Stop"/> faults the projection on it.
    /// </summary>
    public FailurePolicy FailurePolicy { get; set; } = FailurePolicy.Park;

    /// <summary>Per projection name, a policy other than <see cref="FailurePolicy"/> (<c>Projections:FailurePolicies:orders = Stop</c>).</summary>
    public Dictionary<string, FailurePolicy> FailurePolicies { get; set; } = new(StringComparer.Ordinal);

    public FailurePolicy PolicyOf(string projection) => FailurePolicies.TryGetValue(projection, out var policy) ? policy : FailurePolicy;

    /// <summary>Identifies this process in the status (who holds each projection).</summary>
    public string InstanceName { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>What is wrong with these options, or null.</summary>
    internal string? Problem()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            return "Projections need a PostgreSQL connection string: set ConnectionStrings:Postgres or Projections:ConnectionString.";
        }

        if (new[] { RegistrySchema, ViewSchema }.FirstOrDefault(schema => !Identifier().IsMatch(schema)) is { } badSchema)
        {
            return $"Schema name '{badSchema}' must be a lower-case SQL identifier.";
        }

        return BatchSize < 1 ? "Projections:BatchSize must be at least 1." : null;
    }

    internal sealed class Validation : IValidateOptions<ProjectionOptions>
    {
        public ValidateOptionsResult Validate(string? name, ProjectionOptions options) =>
            options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }

    internal static bool IsIdentifier(string name) => Identifier().IsMatch(name);

    /// <summary><paramref name="schema"/> when it is a lower-case SQL identifier (so it can stand in SQL text); otherwise throws.</summary>
    public static string CheckedSchema(string schema) =>
        IsIdentifier(schema) ? schema : throw new ArgumentException($"Schema name '{schema}' must be a lower-case SQL identifier.", nameof(schema));

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,40}$")]
    private static partial Regex Identifier();
}
