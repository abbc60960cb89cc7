using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using OrderLedger.Hosting;
using OrderLedger.Projections.Runtime;

namespace OrderLedger.Operations;

/// <summary>
/// <c>ledger projections status | rebuild &lt;name&gt; [--wait] | resume &lt;name&gt; | retry &lt;name&gt;</c>, and the same verbs of
/// <c>OrderLedger.Projector</c>: operates the projections through <see cref="IProjectionAdmin"/>, from any machine that
/// reaches the read-model database. These verbs never project: the active projector (API host or
/// <c>OrderLedger.Projector run</c>) carries out a rebuild; <c>--wait</c> follows it. A faulted projection makes
/// <c>status</c> exit 1. One more verb is one more row in <see cref="Verbs"/> and its method.
/// </summary>
public static class ProjectionsVerb
{
    /// <summary>How often <c>rebuild --wait</c> polls the progress.</summary>
    public static TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    public static IReadOnlyList<CliVerb> Verbs { get; } =
    [
        new("status", "", "every projection: state, checkpoint, lag, rate, active instance, error; exit 1 when one is faulted", StatusAsync),
        new("rebuild", "<name> [--wait]", "blue/green rebuild; --wait follows it with a progress bar (exit 1 unless it completes)", RebuildAsync),
        new("resume", "<name>", "clear a fault so the active projector retries", ResumeAsync),
        new("retry", "<name>", "apply the parked events again with the current code (removes those that succeed; exit 1 while any stay parked)", RetryAsync),
    ];

    private static async Task<int> StatusAsync(CliCall call)
    {
        var parsed = call.Parse(["--connection"], []);
        Expect(call, parsed, names: 0);
        return await WithAdminAsync(call, parsed, async admin =>
        {
            var statuses = await admin.GetStatusAsync(call.CancellationToken);
            await call.Output.WriteLineAsync(StatusTable(statuses));
            return statuses.Any(s => s.State == ProjectionState.Faulted) ? CliException.FailureExitCode : 0;
        });
    }

    private static async Task<int> RebuildAsync(CliCall call)
    {
        var parsed = call.Parse(["--connection"], ["--wait"]);
        var name = Expect(call, parsed, names: 1)!;
        return await WithAdminAsync(call, parsed, admin => RebuildAsync(call, admin, name, parsed.Has("--wait")));
    }

    private static async Task<int> ResumeAsync(CliCall call)
    {
        var parsed = call.Parse(["--connection"], []);
        var name = Expect(call, parsed, names: 1)!;
        return await WithAdminAsync(call, parsed, async admin =>
        {
            await call.Output.WriteLineAsync(await admin.ResumeAsync(name, call.CancellationToken) ? $"{name}: resumed" : $"{name}: was not faulted");
            return 0;
        });
    }

    /// <summary>Checks the count of projection names given; returns the one name, if one is expected.</summary>
    private static string? Expect(CliCall call, CliArguments parsed, int names)
    {
        if (parsed.Positional.Count > names)
        {
            throw new CliException($"{call.Command}: unexpected argument '{parsed.Positional[names]}'.");
        }

        if (parsed.Positional.Count < names)
        {
            throw new CliException($"{call.Command}: name the projection, e.g. '{call.Command} orders'.");
        }

        return names == 1 ? parsed.Positional[0] : null;
    }

    private static async Task<int> WithAdminAsync(CliCall call, CliArguments parsed, Func<IProjectionAdmin, Task<int>> act)
    {
        await using var services = CliServices.Create(parsed.Value("--connection"), AddAdmin);
        try
        {
            return await act(services.Services.GetRequiredService<IProjectionAdmin>());
        }
        catch (ArgumentException ex) when (ex.ParamName == "name")
        {
            // "No projection is named 'x'. Known: …", without the framework's " (Parameter 'name')" suffix.
            var message = ex.Message.Replace($" (Parameter '{ex.ParamName}')", "", StringComparison.Ordinal);
            throw new CliException($"{call.Command}: {message}", CliException.FailureExitCode);
        }
    }

    /// <summary>The projections the hosts run (the read models, the metrics and the reactors' timers), answering status and rebuild calls only.</summary>
    private static void AddAdmin(IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        services.AddOrderLedgerProjections(configuration, options => options.RunProjectors = false);
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
                $"{s.Name,-20} {s.State,-11} {s.Generation,4} {s.Checkpoint?.ToString() ?? "-",-16} {s.Head?.ToString() ?? "-",-16} {s.LagEvents?.ToString("N0", CultureInfo.InvariantCulture) ?? "?",9} {s.LagSeconds ?? 0,8:0.0} {s.EventsPerSecond,8:N0}  {s.ActiveInstance ?? "-",-18} {Describe(s.LastError)}{Parked(s)}{rebuild}").TrimEnd());
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static async Task<int> RebuildAsync(CliCall call, IProjectionAdmin admin, string name, bool wait)
    {
        var (output, error, cancellationToken) = (call.Output, call.Error, call.CancellationToken);
        var status = await admin.GetStatusAsync(name, cancellationToken);
        var progress = await admin.RequestRebuildAsync(name, cancellationToken);
        await output.WriteLineAsync($"{name}: rebuild g{progress.Generation} requested (version {progress.Version}); the live build keeps serving until it catches up");
        if (status is null || status.ActiveInstance is null || status.State == ProjectionState.Stopped)
        {
            await error.WriteLineAsync($"{call.Command}: no projector is running {name} now; the rebuild starts when one does (tools/run.sh or OrderLedger.Projector run).");
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

        await error.WriteLineAsync($"{call.Command}: {name} g{progress.Generation} {progress.State.ToString().ToLowerInvariant()}: {Describe(progress.Error)}");
        return CliException.FailureExitCode;
    }

    /// <summary>Non-zero exit while events stay parked, so a script notices.</summary>
    private static async Task<int> RetryAsync(CliCall call)
    {
        var parsed = call.Parse(["--connection"], []);
        var name = Expect(call, parsed, names: 1)!;
        return await WithAdminAsync(call, parsed, async admin =>
        {
            var outcome = await admin.RetryParkedAsync(name, call.CancellationToken);
            await call.Output.WriteLineAsync($"{name}: {outcome.Applied} of {outcome.Retried} parked events applied, {outcome.StillParked.Count} still parked");
            foreach (var parked in outcome.StillParked)
            {
                await call.Error.WriteLineAsync($"{name}: still parked: {parked.EventType} at {parked.Position} in {parked.StreamId}: {parked.Error}");
            }

            return outcome.StillParked.Count == 0 ? 0 : CliException.FailureExitCode;
        });
    }

    private static string Describe(ProjectionError? error) =>
        error is null ? "" : $"{error.Message} (event {error.EventType} at {error.Position} in {error.StreamId})";

    private static string Parked(ProjectionStatus s) =>
        s.LastParked is not { } last ? "" : $" parked {s.Parked}: last {last.EventType} at {last.Position} in {last.StreamId} ({last.Error})";
}
