using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace OrderLedger.Bench;

/// <summary>
/// CPU used over one span, in cores (CPU seconds per wall second), read from <c>/proc</c>: named child processes, this
/// benchmark's own process, the PostgreSQL backends connected to the bench database (sampled every second from
/// <c>pg_stat_activity</c>, since pooled connections come and go), PostgreSQL's cluster-wide background processes
/// (WAL writer, checkpointer… — shared with anything else on the cluster), and the whole machine from <c>/proc/stat</c>;
/// at the same samples, which statements the bench database's backends were running.
/// </summary>
public sealed class CpuSampler : IAsyncDisposable
{
    /// <summary>USER_HZ: the unit of the times in <c>/proc/{pid}/stat</c> on Linux.</summary>
    private const double TicksPerSecond = 100;

    private readonly string _connectionString;
    private readonly Dictionary<string, (int Pid, long StartTicks)> _processes = [];
    private readonly Dictionary<int, (long First, long Last, bool Background)> _backends = [];
    private readonly Dictionary<string, int> _activeStatements = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TimeSpan _ownStart = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly (long Busy, long Total) _machineStart = MachineTicks();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    public CpuSampler(string connectionString, IReadOnlyDictionary<string, int> processes)
    {
        _connectionString = connectionString;
        foreach (var (name, pid) in processes)
        {
            _processes[name] = (pid, ProcessTicks(pid) ?? 0);
        }

        _sampling = Task.Run(SampleBackendsAsync);
    }

    /// <summary>Stops sampling; each consumer's cores over the span, then the machine's busy cores and its core count.</summary>
    public async Task<CpuShares> StopAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        var seconds = _clock.Elapsed.TotalSeconds;
        var cores = new List<(string, double)>();
        foreach (var (name, (pid, start)) in _processes)
        {
            cores.Add((name, ((ProcessTicks(pid) ?? start) - start) / TicksPerSecond / seconds));
        }

        cores.Add(("bench clients (this process)", (Process.GetCurrentProcess().TotalProcessorTime - _ownStart).TotalSeconds / seconds));
        lock (_backends)
        {
            cores.Add(("PostgreSQL backends of the bench database", _backends.Values.Where(b => !b.Background).Sum(b => b.Last - b.First) / TicksPerSecond / seconds));
            cores.Add(("PostgreSQL background processes (whole cluster)", _backends.Values.Where(b => b.Background).Sum(b => b.Last - b.First) / TicksPerSecond / seconds));
        }

        List<(string, int)> statements;
        lock (_activeStatements)
        {
            statements = [.. _activeStatements.OrderByDescending(a => a.Value).Take(8).Select(a => (a.Key, a.Value))];
        }

        var machine = MachineTicks();
        var busyShare = (double)(machine.Busy - _machineStart.Busy) / Math.Max(1, machine.Total - _machineStart.Total);
        return new CpuShares(cores, busyShare * Environment.ProcessorCount, Environment.ProcessorCount) { ActiveStatements = statements };
    }

    private async Task SampleBackendsAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT pid, datname IS NULL, CASE WHEN state = 'active' THEN left(regexp_replace(query, '\\s+', ' ', 'g'), 100) END"
            + " FROM pg_stat_activity WHERE (datname = current_database() OR datname IS NULL) AND pid <> pg_backend_pid()", connection);
        while (!_stop.IsCancellationRequested)
        {
            var pids = new List<(int Pid, bool Background)>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    pids.Add((reader.GetInt32(0), reader.GetBoolean(1)));
                    if (!reader.IsDBNull(2))
                    {
                        var statement = reader.GetString(2);
                        lock (_activeStatements)
                        {
                            _activeStatements[statement] = _activeStatements.GetValueOrDefault(statement) + 1;
                        }
                    }
                }
            }

            lock (_backends)
            {
                foreach (var (pid, background) in pids)
                {
                    if (ProcessTicks(pid) is not { } ticks)
                    {
                        continue; // ended since the query
                    }

                    _backends[pid] = _backends.TryGetValue(pid, out var seen) ? seen with { Last = ticks } : (ticks, ticks, background);
                }
            }

            await Task.Delay(1_000, _stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>utime + stime of <paramref name="pid"/> (fields 14 and 15 of <c>/proc/{pid}/stat</c>), or null once it is gone.</summary>
    private static long? ProcessTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) may hold spaces; the fields after its closing parenthesis start at field 3.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The machine's busy and total ticks over all cores (<c>/proc/stat</c>, line <c>cpu</c>; idle and iowait are not busy).</summary>
    private static (long Busy, long Total) MachineTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Take(8).Sum();
        return (total - fields[3] - fields[4], total);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
            await _sampling;
        }

        _stop.Dispose();
    }
}

/// <param name="Cores">Each consumer's CPU seconds per wall second.</param>
/// <param name="MachineBusyCores">The whole machine's busy cores (every process, the other work on it included).</param>
public sealed record CpuShares(IReadOnlyList<(string Name, double Cores)> Cores, double MachineBusyCores, int MachineCores)
{
    /// <summary>The statements most often seen running in the bench database's backends at the once-a-second samples (first 100 characters), with how often.</summary>
    public IReadOnlyList<(string Statement, int Samples)> ActiveStatements { get; init; } = [];

    public override string ToString() =>
        string.Join(", ", Cores.Select(c => $"{c.Name} {c.Cores:F2}")) + $"; machine busy {MachineBusyCores:F2} of {MachineCores} cores";

    /// <summary>The largest consumer.</summary>
    public (string Name, double Cores) Largest => Cores.MaxBy(c => c.Cores);
}
