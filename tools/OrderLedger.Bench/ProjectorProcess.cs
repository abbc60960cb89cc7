using System.Diagnostics;

namespace OrderLedger.Bench;

/// <summary>The standalone projector (src/OrderLedger.Projector) as a child process, so its memory is measured alone.</summary>
public sealed class ProjectorProcess : IDisposable
{
    private readonly Process _process;

    private ProjectorProcess(Process process) => _process = process;

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
        if (only is not null)
        {
            start.Environment["Projections__Only"] = string.Join(',', only);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the projector.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                Console.Error.WriteLine($"  projector: {line}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ProjectorProcess(process);
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
