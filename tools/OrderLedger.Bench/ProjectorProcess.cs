using System.Diagnostics;

namespace OrderLedger.Bench;

/// <summary>The standalone projector (src/OrderLedger.Projector) as a child process, so its memory is measured alone.</summary>
public sealed class ProjectorProcess : IDisposable
{
    private readonly Process _process;

    private ProjectorProcess(Process process) => _process = process;

    /// <summary>The projector's process id, for its CPU time in <c>/proc</c>.</summary>
    public int ProcessId => _process.Id;

    public static ProjectorProcess Start(string connectionString, IReadOnlyCollection<string>? only = null)
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
        start.Environment["DOTNET_gcServer"] = "0";
        // Where the catch-up time goes (reader wait, decode, per projection: checkpoint, handler SQL, commit), every 10 s.
        start.Environment["Logging__LogLevel__OrderLedger.Projections.Timings"] = "Information";
        if (only is not null)
        {
            start.Environment["Projections__Only"] = string.Join(',', only);
        }
        // The console logger writes to standard output; with the default level at Warning that is warnings and the timings.
        return new ProjectorProcess(StartForwarding(start, "projector"));
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

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }
}
