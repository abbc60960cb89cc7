using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using OrderLedger.Hosting;
using OrderLedger.Projections.Runtime;

namespace OrderLedger.Cli.Verbs;

/// <summary>
/// <c>ledger projections status | rebuild &lt;name&gt; [--wait] | resume &lt;name&gt;</c>: operates the projections through
/// <see cref="IProjectionAdmin"/>, from any machine that reaches the read-model database. This process never projects:
/// the active projector (API host or <c>OrderLedger.Projector</c>) carries out a rebuild; <c>--wait</c> follows it.
/// </summary>
public static class ProjectionsVerb
{
    private const string Usage = "ledger projections: use 'status', 'rebuild <name> [--wait]' or 'resume <name>'.";

    /// <summary>How often <c>rebuild --wait</c> polls the progress.</summary>
    public static TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var parsed = CliArguments.Parse("projections", args, ["--connection"], ["--wait"]);
        var action = parsed.Positional.Count > 0 ? parsed.Positional[0] : throw new CliException(Usage);
        var name = parsed.Positional.Count > 1 ? parsed.Positional[1] : null;
        if (parsed.Positional.Count > 2 || (action == "status" && name is not null))
        {
            throw new CliException($"ledger projections {action}: unexpected argument '{parsed.Positional[^1]}'.");
        }

        if (action is "rebuild" or "resume" && name is null)
        {
            throw new CliException($"ledger projections {action}: name the projection, e.g. 'ledger projections {action} orders'.");
        }

        if (parsed.Has("--wait") && action != "rebuild")
        {
            throw new CliException($"ledger projections {action}: --wait is for rebuild only.");
        }

        await using var services = CliServices.Create(parsed.Value("--connection"), AddAdmin);
        var admin = services.Services.GetRequiredService<IProjectionAdmin>();
        try
        {
            return action switch
            {
                "status" => await StatusAsync(admin, output, cancellationToken),
                "rebuild" => await RebuildAsync(admin, name!, parsed.Has("--wait"), output, error, cancellationToken),
                "resume" => await ResumeAsync(admin, name!, output, cancellationToken),
                _ => throw new CliException($"ledger projections: unknown action '{action}'. {Usage}"),
            };
        }
        catch (ArgumentException ex) when (ex.ParamName == "name")
        {
            // "No projection is named 'x'. Known: …", without the framework's " (Parameter 'name')" suffix.
            var message = ex.Message.Replace($" (Parameter '{ex.ParamName}')", "", StringComparison.Ordinal);
            throw new CliException($"ledger projections {action}: {message}", CliException.FailureExitCode);
        }
    }

    /// <summary>The projections the hosts run (the read models, the metrics and the reactors' timers), answering status and rebuild calls only.</summary>
    private static void AddAdmin(IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        services.AddOrderLedgerProjections(configuration, options => options.RunProjectors = false);
    }

    private static async Task<int> StatusAsync(IProjectionAdmin admin, TextWriter output, CancellationToken cancellationToken)
    {
        var statuses = await admin.GetStatusAsync(cancellationToken);
        await output.WriteLineAsync(StatusTable(statuses));
        return statuses.Any(s => s.State == ProjectionState.Faulted) ? CliException.FailureExitCode : 0;
    }

    /// <summary>One row per projection: state, build, checkpoint, head, lag, rate, active instance and last error.</summary>
    public static string StatusTable(IEnumerable<ProjectionStatus> statuses)
    {
        var lines = new List<string>
        {
            $"{"projection",-20} {"state",-11} {"gen",4} {"checkpoint",-16} {"head",-16} {"lag",9} {"lag s",8} {"ev/s",8}  {"instance",-18} error",
        };
        foreach (var s in statuses)
        {
            var rebuild = s.Rebuild is { State: RebuildState.Building } r
                ? ProgressDisplay.Format($" rebuilding g{r.Generation}:", r.Done, r.Total, r.EventsPerSecond, r.Eta, withBar: false)
                : "";
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{s.Name,-20} {s.State,-11} {s.Generation,4} {s.Checkpoint?.ToString() ?? "-",-16} {s.Head?.ToString() ?? "-",-16} {s.LagEvents?.ToString("N0", CultureInfo.InvariantCulture) ?? "?",9} {s.LagSeconds ?? 0,8:0.0} {s.EventsPerSecond,8:N0}  {s.ActiveInstance ?? "-",-18} {Describe(s.LastError)}{rebuild}").TrimEnd());
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static async Task<int> RebuildAsync(IProjectionAdmin admin, string name, bool wait, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var status = await admin.GetStatusAsync(name, cancellationToken);
        var progress = await admin.RequestRebuildAsync(name, cancellationToken);
        await output.WriteLineAsync($"{name}: rebuild g{progress.Generation} requested (version {progress.Version}); the live build keeps serving until it catches up");
        if (status is null || status.ActiveInstance is null || status.State == ProjectionState.Stopped)
        {
            await error.WriteLineAsync($"ledger projections rebuild: no projector is running {name} now; the rebuild starts when one does (tools/run.sh or OrderLedger.Projector).");
            if (wait)
            {
                return CliException.FailureExitCode;
            }
        }

        if (!wait)
        {
            return 0;
        }

        var display = new ProgressDisplay(output, ProgressDisplay.IsTerminal(output));
        while (progress.State == RebuildState.Building)
        {
            display.Report($"{name} g{progress.Generation}", progress.Done, progress.Total, progress.EventsPerSecond, progress.Eta);
            await Task.Delay(PollInterval, cancellationToken);
            progress = await admin.GetRebuildProgressAsync(name, cancellationToken) ?? progress;
        }

        display.Report($"{name} g{progress.Generation}", progress.Done, progress.Total ?? progress.Done, progress.EventsPerSecond, TimeSpan.Zero, force: true);
        display.Finish();
        if (progress.State == RebuildState.Completed)
        {
            await output.WriteLineAsync($"{name} g{progress.Generation}: completed; readers now use it");
            return 0;
        }

        await error.WriteLineAsync($"ledger projections rebuild: {name} g{progress.Generation} {progress.State.ToString().ToLowerInvariant()}: {Describe(progress.Error)}");
        return CliException.FailureExitCode;
    }

    private static async Task<int> ResumeAsync(IProjectionAdmin admin, string name, TextWriter output, CancellationToken cancellationToken)
    {
        await output.WriteLineAsync(await admin.ResumeAsync(name, cancellationToken) ? $"{name}: resumed" : $"{name}: was not faulted");
        return 0;
    }

    private static string Describe(ProjectionError? error) =>
        error is null ? "" : $"{error.Message} (event {error.EventType} at {error.Position} in {error.StreamId})";
}
