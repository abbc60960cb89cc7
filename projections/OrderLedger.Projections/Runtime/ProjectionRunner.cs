using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Projections.Runtime;

/// <summary>
/// Runs one projection in this process when it holds the projection's PostgreSQL advisory lock; otherwise stands by
/// and retries every <see cref="ProjectionOptions.LockRetryInterval"/>. While active, a control loop keeps a worker per
/// generation (the live one and a blue/green build), starts builds when the code's version changed, drops retired
/// schemas and writes a heartbeat.
/// </summary>
internal sealed class ProjectionRunner(
    IProjection projection,
    SharedLogReader reader,
    EventCodec codec,
    ProjectionCatalog catalog,
    ProjectionOptions options,
    ILogger logger) : IDisposable
{
    private readonly SemaphoreSlim _wake = new(0);
    private readonly string _name = projection.Name;
    private readonly string _instance = options.InstanceName;

    public void Dispose() => _wake.Dispose();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var lease = await AcquireAsync(cancellationToken);
                Log.Active(logger, _name, _instance);
                await RunActiveAsync(lease, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (StandAsideException ex)
            {
                logger.LogError("Projection {Name}: {Reason}", projection.Name, ex.Message);
                await DelayAsync(options.LockRetryInterval * 10, cancellationToken);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Projection {Name}: lost or could not keep the active role; standing by.", projection.Name);
                await DelayAsync(options.LockRetryInterval, cancellationToken);
            }
        }
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Waits until this process holds the projection's session-level advisory lock.</summary>
    private async Task<Lease> AcquireAsync(CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString)
        {
            // A pooled connection would keep the lock after "closing"; keepalives notice a vanished peer.
            Pooling = false,
            KeepAlive = 5,
            TcpKeepAlive = true,
        };
        var key = LockKey(options.RegistrySchema, projection.Name);
        var standingBy = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            NpgsqlConnection? connection = null;
            try
            {
                connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(cancellationToken);
                while (true)
                {
                    await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection);
                    command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = key });
                    if ((bool)(await command.ExecuteScalarAsync(cancellationToken))!)
                    {
                        return new Lease(connection);
                    }

                    if (!standingBy)
                    {
                        standingBy = true;
                        Log.StandingBy(logger, _name);
                    }

                    await Task.Delay(options.LockRetryInterval, cancellationToken);
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && TransientErrors.IsTransient(ex))
            {
                logger.LogWarning(ex, "Projection {Name}: cannot reach the database to take the lock; retrying.", projection.Name);
                if (connection is not null)
                {
                    await connection.DisposeAsync();
                }

                await Task.Delay(options.LockRetryInterval, cancellationToken);
            }
            catch
            {
                if (connection is not null)
                {
                    await connection.DisposeAsync();
                }

                throw;
            }
        }
    }

    internal static long LockKey(string registrySchema, string name) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"orderledger-projection:{registrySchema}:{name}")), 0);

    private async Task RunActiveAsync(Lease lease, CancellationToken cancellationToken)
    {
        await catalog.EnsureInitialAsync(projection, cancellationToken);
        using var active = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = new Dictionary<int, (GenerationWorker Worker, Task Task, CancellationTokenSource Stop)>();
        try
        {
            while (true)
            {
                await lease.CheckAsync(cancellationToken);
                await catalog.HeartbeatAsync(projection.Name, options.InstanceName, cancellationToken);
                var generations = await catalog.LoadAsync(projection.Name, [Roles.Live, Roles.Building, Roles.Retired], cancellationToken);
                var live = generations.Single(g => g.Role == Roles.Live);
                var building = generations.SingleOrDefault(g => g.Role == Roles.Building);
                if (Math.Max(live.Version, building?.Version ?? 0) > projection.Version)
                {
                    throw new StandAsideException($"version {Math.Max(live.Version, building?.Version ?? 0)} is live or building but this build has version {projection.Version}; a newer instance should run it.");
                }

                if (building is not null && building.Version != projection.Version)
                {
                    Log.Abandoning(logger, _name, building.Generation, building.Version);
                    await StopAsync(workers, building.Generation);
                    await catalog.DropAsync(building, cancellationToken);
                    building = null;
                }

                if (building is null && live.Version != projection.Version)
                {
                    building = await catalog.RequestBuildAsync(projection, "version", cancellationToken);
                    Log.VersionChanged(logger, _name, live.Version, projection.Version, building?.Generation);
                }

                foreach (var retired in generations.Where(g => g.Role == Roles.Retired))
                {
                    await StopAsync(workers, retired.Generation);
                    try
                    {
                        await catalog.DropAsync(retired, cancellationToken);
                        Log.Dropped(logger, _name, retired.Generation, retired.Schema);
                    }
                    catch (Exception ex) when (ex is PostgresException or NpgsqlException)
                    {
                        logger.LogWarning(ex, "Projection {Name}: could not drop {Schema} yet; will retry.", projection.Name, retired.Schema);
                    }
                }

                foreach (var (generation, running) in workers.Where(w => w.Value.Task.IsCompleted).ToList())
                {
                    workers.Remove(generation);
                    running.Stop.Dispose();
                    if (running.Task.Exception?.GetBaseException() is { } error and not OperationCanceledException)
                    {
                        logger.LogWarning(error, "Projection {Name} g{Generation} stopped: {Message}", projection.Name, generation, error.Message);
                        if (error is not FencedException)
                        {
                            await TryRecordTransientAsync(running.Worker.Generation, error, cancellationToken);
                        }
                    }
                }

                foreach (var generation in new[] { live, building })
                {
                    if (generation is null || generation.Phase == Phases.Faulted || workers.ContainsKey(generation.Generation))
                    {
                        continue;
                    }

                    if (!generation.TablesReady)
                    {
                        try
                        {
                            await catalog.PrepareTablesAsync(projection, generation, cancellationToken);
                        }
                        catch (PostgresException ex) when (!TransientErrors.IsTransient(ex))
                        {
                            // Bad DDL: fault the build (the live one keeps serving) instead of retrying forever.
                            logger.LogError(ex, "Projection {Name}: creating the tables of g{Generation} failed.", projection.Name, generation.Generation);
                            await catalog.RecordErrorAsync(generation, ex, null, transient: false, cancellationToken);
                            continue;
                        }
                    }

                    var worker = new GenerationWorker(projection, generation with { TablesReady = true }, reader, codec, catalog, options, logger);
                    var stop = CancellationTokenSource.CreateLinkedTokenSource(active.Token);
                    workers[generation.Generation] = (worker, Task.Run(() => worker.RunAsync(OnCaughtUpAsync, stop.Token), CancellationToken.None), stop);
                }

                await _wake.WaitAsync(options.ControlInterval, cancellationToken);
            }
        }
        finally
        {
            await active.CancelAsync();
            foreach (var generation in workers.Keys.ToList())
            {
                await StopAsync(workers, generation);
            }

            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await catalog.ReleaseOwnerAsync(projection.Name, options.InstanceName, timeout.Token);
            }
            catch (Exception ex)
            {
                Log.RegistryWriteFailed(logger, ex, _name);
            }
        }
    }

    /// <summary>A build caught up with the head: switch readers to it (one transaction) and let the control loop take over.</summary>
    private async Task<bool> OnCaughtUpAsync(GenerationWorker worker, Position? checkpoint, CancellationToken cancellationToken)
    {
        if (worker.Generation.Role != Roles.Building)
        {
            return false;
        }

        if (!await catalog.SwitchAsync(projection, worker.Generation, checkpoint, cancellationToken))
        {
            throw new FencedException($"Projection {projection.Name}: build g{worker.Generation.Generation} could not be switched to.");
        }

        Log.Switched(logger, _name, worker.Generation.Generation, worker.Generation.Version, checkpoint);
        _wake.Release();
        return true;
    }

    private static async Task StopAsync(Dictionary<int, (GenerationWorker Worker, Task Task, CancellationTokenSource Stop)> workers, int generation)
    {
        if (!workers.Remove(generation, out var running))
        {
            return;
        }

        await running.Stop.CancelAsync();
        try
        {
            await running.Task;
        }
        catch (Exception)
        {
            // Stopping: its error no longer matters (a fault was recorded by the worker itself).
        }

        running.Stop.Dispose();
    }

    private async Task TryRecordTransientAsync(GenerationRecord generation, Exception error, CancellationToken cancellationToken)
    {
        try
        {
            await catalog.RecordErrorAsync(generation, error, null, transient: true, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.RegistryWriteFailed(logger, ex, _name);
        }
    }

    /// <summary>The connection that holds the advisory lock; the lock lives exactly as long as its session.</summary>
    private sealed class Lease(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async Task CheckAsync(CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand("SELECT 1", connection) { CommandTimeout = 5 };
            await command.ExecuteScalarAsync(cancellationToken);
        }

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }

    private sealed class StandAsideException(string message) : Exception(message);
}
