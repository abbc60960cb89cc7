using System.Diagnostics;

namespace OrderLedger.Bench;

/// <summary>The standalone projector (src/OrderLedger.Projector) as a child process, so its memory is measured alone.</summary>
public sealed class ProjectorProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ProjectorProcess(Process process) => _process = process;

    /// <summary>The projector's process id, for its CPU time in <c>/proc</c>.</summary>
    public int ProcessId => _process.Id;

    /// <param name="reactors">
    /// Whether it runs the reactors too, as in production. Not where a benchmark compares the projections' checkpoints
    /// with the head of the log: the reactors append (the surveys, hand-offs and timeouts the dataset's history has due,
    /// alerts, assignments), so the head moves on after the build reached it (<c>Reactors:Run=false</c>).
    /// </param>
    public static ProjectorProcess Start(string connectionString, IReadOnlyCollection<string>? only = null, bool reactors = true)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "OrderLedger.Projector.dll");
        if (!File.Exists(dll) || !File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json")))
        {
            throw new InvalidOperationException($"The projector is not built beside the benchmark: {dll}.");
        }

        var start = new ProcessStartInfo("dotnet", [dll, "run"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ConnectionStrings__Postgres"] = connectionString;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        SetGarbageCollector(start);
        // Where the catch-up time goes (reader wait, decode, per projection: checkpoint, handler SQL, commit), every 10 s.
        start.Environment["Logging__LogLevel__OrderLedger.Projections.Timings"] = "Information";
        if (only is not null)
        {
            start.Environment["Projections__Only"] = string.Join(',', only);
        }

        if (!reactors)
        {
            start.Environment["Reactors__Run"] = "false";
        }

        // The console logger writes to standard output; with the default level at Warning that is warnings and the timings.
        return new ProjectorProcess(StartForwarding(start, "projector"));
    }

    /// <summary>
    /// The collector the hosts are deployed with (tools/run.sh, docs/projections.md "Memory and the GC"): workstation,
    /// with a gen0 budget of 64 MB unless the bench's own environment names another (<c>DOTNET_GCgen0size=0</c>: the
    /// runtime's default, to compare).
    /// </summary>
    internal static void SetGarbageCollector(ProcessStartInfo start)
    {
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_GCgen0size"] = Environment.GetEnvironmentVariable("DOTNET_GCgen0size") ?? "0x4000000";
    }

    /// <summary>Starts a child process whose every output line goes to the benchmark's standard error, after <paramref name="prefix"/>.</summary>
    internal static Process StartForwarding(ProcessStartInfo start, string prefix)
    {
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start the {prefix}.");
        DataReceivedEventHandler forward = (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                Console.Error.WriteLine($"  {prefix}: {line}");
            }
        };
        process.OutputDataReceived += forward;
        process.ErrorDataReceived += forward;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Peak resident set size so far (VmHWM), in megabytes.</summary>
    public double PeakRssMegabytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
            }
        }

        return double.NaN;
    }

    /// <summary>Kills the projector and waits until it has exited: nothing of it runs on into the next benchmark.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(_process, "projector");
        _process.Dispose();
    }

    /// <summary>
    /// Kills a child process (and its children) and waits until it has exited: a process still running would go on
    /// appending (its reactors) or taking CPU from the next benchmark. A kill that does not end it within a minute fails
    /// the run rather than leaving it behind.
    /// </summary>
    internal static async Task StopAsync(Process process, string name)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new InvalidOperationException($"The {name} (pid {process.Id}) did not exit within a minute of being killed.");
        }
    }
}
