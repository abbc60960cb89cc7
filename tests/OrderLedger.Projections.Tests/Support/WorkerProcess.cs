using System.Diagnostics;
using System.Text;
using Npgsql;

namespace OrderLedger.Projections.Tests.Support;

/// <summary>A projector running as a real child process (this test assembly in worker mode), killed with SIGKILL.</summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private WorkerProcess(string instance, Process process)
    {
        Instance = instance;
        _process = process;
    }

    public string Instance { get; }

    public string ApplicationName => Program.ApplicationName(Instance);

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public static WorkerProcess Start(string connectionString, string instance, int midBatchSleepMs = 0, int batchSize = 500)
    {
        var assembly = typeof(Program).Assembly.Location;
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(assembly);
        info.ArgumentList.Add("worker");
        info.Environment[Program.ConnectionVariable] = connectionString;
        info.Environment[Program.InstanceVariable] = instance;
        info.Environment[Program.SleepVariable] = midBatchSleepMs.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment[Program.BatchVariable] = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = new Process { StartInfo = info };
        var worker = new WorkerProcess(instance, process);
        process.OutputDataReceived += (_, e) => worker.Append(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, open transactions are cut off.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
    }

    /// <summary>
    /// Waits until one of this worker's connections is inside the ledger handler's mid-batch sleep — its batch
    /// transaction is open, the checkpoint row updated and half the rows written — then kills the process at once.
    /// </summary>
    public async Task KillMidBatchAsync(NpgsqlDataSource db, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        await using var connection = await db.OpenConnectionAsync();
        await using var probe = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND state = 'active' AND xact_start IS NOT NULL AND query LIKE 'SELECT pg_sleep%')",
            connection);
        probe.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ApplicationName });
        while (!(bool)(await probe.ExecuteScalarAsync())!)
        {
            if (DateTime.UtcNow > deadline || _process.HasExited)
            {
                throw new TimeoutException($"Worker {Instance} never was mid-batch. Output:\n{Output}");
            }
        }

        Kill();
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }
}
