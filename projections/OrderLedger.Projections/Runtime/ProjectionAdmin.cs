using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Projections.Runtime;

/// <summary>Queries and commands for the API host, the web page and the CLI. Works from any process.</summary>
public interface IProjectionAdmin
{
    /// <summary>The projections registered in this process.</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>Status of every registered projection.</summary>
    Task<IReadOnlyList<ProjectionStatus>> GetStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Status of one projection; null if no projection has that name.</summary>
    Task<ProjectionStatus?> GetStatusAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// <c>rebuild NAME</c>: builds a fresh generation of the current version from position 0 while the live one keeps
    /// serving; the active instance switches readers when it catches up. Idempotent while a rebuild is running.
    /// </summary>
    Task<RebuildProgress> RequestRebuildAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The running rebuild, or the last one (completed or abandoned); null if there never was one.</summary>
    Task<RebuildProgress?> GetRebuildProgressAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Clears a fault (after a fix is deployed, or the data repaired) so the active instance retries. False if not faulted.</summary>
    Task<bool> ResumeAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// <c>retry NAME</c>: applies the live generation's parked events again with the code of this process, oldest first,
    /// each in its own transaction that also removes it from <c>parked_events</c>; those that fail again stay parked
    /// with the new error.
    /// </summary>
    Task<RetryOutcome> RetryParkedAsync(string name, CancellationToken cancellationToken = default);
}

internal sealed class ProjectionAdmin(
    IEnumerable<IProjection> projections,
    IEventStore store,
    ProjectionCatalog catalog,
    ProjectionOptions options,
    EventCodec codec) : IProjectionAdmin
{
    private readonly IReadOnlyList<IProjection> _projections = ProjectionValidation.Validate(projections);
    private int _migrated;

    public IReadOnlyList<string> Names => _projections.Select(p => p.Name).ToList();

    public async Task<IReadOnlyList<ProjectionStatus>> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        await EnsureMigratedAsync(cancellationToken);
        var head = await store.ReadHeadPositionAsync(cancellationToken);
        var registry = await catalog.LoadRegistryAsync(cancellationToken);
        var result = new List<ProjectionStatus>(_projections.Count);
        foreach (var projection in _projections)
        {
            result.Add(await StatusOfAsync(projection, head, registry, cancellationToken));
        }

        return result;
    }

    public async Task<ProjectionStatus?> GetStatusAsync(string name, CancellationToken cancellationToken = default)
    {
        var projection = _projections.FirstOrDefault(p => p.Name == name);
        if (projection is null)
        {
            return null;
        }

        await EnsureMigratedAsync(cancellationToken);
        var head = await store.ReadHeadPositionAsync(cancellationToken);
        return await StatusOfAsync(projection, head, await catalog.LoadRegistryAsync(cancellationToken), cancellationToken);
    }

    public async Task<RebuildProgress> RequestRebuildAsync(string name, CancellationToken cancellationToken = default)
    {
        var projection = Find(name);
        await EnsureMigratedAsync(cancellationToken);
        await catalog.EnsureInitialAsync(projection, cancellationToken);
        var building = await catalog.RequestBuildAsync(projection, "requested", cancellationToken)
            ?? throw new InvalidOperationException($"Projection '{name}' is not registered in the database.");
        return await ProgressOfAsync(building, await store.ReadHeadPositionAsync(cancellationToken), cancellationToken);
    }

    public async Task<RebuildProgress?> GetRebuildProgressAsync(string name, CancellationToken cancellationToken = default)
    {
        Find(name);
        await EnsureMigratedAsync(cancellationToken);
        var latest = await catalog.LoadLatestRebuildAsync(name, cancellationToken);
        return latest is null ? null : await ProgressOfAsync(latest, await store.ReadHeadPositionAsync(cancellationToken), cancellationToken);
    }

    public async Task<bool> ResumeAsync(string name, CancellationToken cancellationToken = default)
    {
        Find(name);
        await EnsureMigratedAsync(cancellationToken);
        return await catalog.ResumeAsync(name, cancellationToken);
    }

    public async Task<RetryOutcome> RetryParkedAsync(string name, CancellationToken cancellationToken = default)
    {
        var projection = Find(name);
        await EnsureMigratedAsync(cancellationToken);
        var live = (await catalog.LoadAsync(name, [Roles.Live], cancellationToken)).SingleOrDefault();
        if (live is null)
        {
            return new RetryOutcome(name, 0, 0, []);
        }

        var parked = await catalog.LoadParkedAsync(name, live.Generation, cancellationToken);
        var applied = 0;
        foreach (var entry in parked)
        {
            var record = await store.ReadStreamAsync(entry.StreamId, new StreamReadOptions(ReadDirection.Forwards, entry.Revision, 1), cancellationToken)
                .FirstOrDefaultAsync(cancellationToken);
            try
            {
                if (record is null || record.EventId != entry.EventId)
                {
                    throw new InvalidOperationException($"Event {entry.EventId} is no longer at {entry.StreamId}@{entry.Revision}.");
                }

                var decoded = codec.Decode(record);
                await using var connection = await catalog.DataSource.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                if (await catalog.UnparkAsync(connection, transaction, live, entry.Position, cancellationToken))
                {
                    await projection.ApplyAsync([decoded], new ProjectionContext(connection, transaction, live.Schema), cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                    applied++;
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && !TransientErrors.IsTransient(ex))
            {
                await catalog.RecordRetryFailureAsync(live, entry.Position, ex, cancellationToken);
            }
        }

        return new RetryOutcome(name, parked.Count, applied, await catalog.LoadParkedAsync(name, live.Generation, cancellationToken));
    }

    private IProjection Find(string name) =>
        _projections.FirstOrDefault(p => p.Name == name)
        ?? throw new ArgumentException($"No projection is named '{name}'. Known: {string.Join(", ", _projections.Select(p => p.Name))}.", nameof(name));

    private async Task EnsureMigratedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _migrated) == 0)
        {
            await catalog.MigrateAsync(cancellationToken);
            Volatile.Write(ref _migrated, 1);
        }
    }

    private async Task<ProjectionStatus> StatusOfAsync(
        IProjection projection,
        Position? head,
        IReadOnlyDictionary<string, (int LiveGeneration, string? Owner, DateTimeOffset? Heartbeat)> registry,
        CancellationToken cancellationToken)
    {
        var generations = await catalog.LoadAsync(projection.Name, [Roles.Live, Roles.Building], cancellationToken);
        var live = generations.SingleOrDefault(g => g.Role == Roles.Live);
        var building = generations.SingleOrDefault(g => g.Role == Roles.Building);
        if (live is null || !registry.TryGetValue(projection.Name, out var entry))
        {
            return new ProjectionStatus(projection.Name, projection.Version, 0, "", ProjectionState.Stopped, null, head, null, null, 0, 0, 0, 0, null, null, null, null);
        }

        // Database time throughout: heartbeats and event timestamps are written by the server, not by this host's clock.
        var now = await catalog.NowAsync(cancellationToken);
        var (lagEvents, lagSeconds) = await LagAsync(live.Checkpoint, head, now, cancellationToken);
        var running = entry.Owner is not null && entry.Heartbeat is { } beat && now - beat < options.StaleAfter;
        var state = live.Phase == Phases.Faulted ? ProjectionState.Faulted
            : !running ? ProjectionState.Stopped
            : building is not null ? ProjectionState.Rebuilding
            : live.Phase == Phases.Live && lagSeconds is not > 5 ? ProjectionState.Live
            : ProjectionState.CatchingUp;
        var error = ErrorOf(live) ?? (building is null ? null : ErrorOf(building));
        var (parked, lastParked) = await catalog.ParkedSummaryAsync(projection.Name, live.Generation, cancellationToken);
        return new ProjectionStatus(
            projection.Name,
            live.Version,
            live.Generation,
            live.Schema,
            state,
            live.Checkpoint,
            head,
            lagEvents,
            lagSeconds,
            RateOf(live, now),
            live.EventsHandled,
            live.EventsSkipped,
            live.EventsUnknown,
            error,
            running ? entry.Owner : null,
            entry.Heartbeat,
            building is null ? null : await ProgressOfAsync(building, head, cancellationToken),
            parked,
            lastParked);
    }

    private async Task<(long? Events, double? Seconds)> LagAsync(Position? checkpoint, Position? head, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (head is null || (checkpoint is { } done && done >= head.Value))
        {
            return (0, 0);
        }

        long? events = await store.CountAllAfterAsync(checkpoint, cancellationToken);
        if (events == 0)
        {
            return (0, 0);
        }

        await foreach (var oldest in store.ReadAllAsync(checkpoint, null, 1, cancellationToken))
        {
            return (events, Math.Max(0, (now - oldest.Created).TotalSeconds));
        }

        return (events, 0);
    }

    private double RateOf(GenerationRecord generation, DateTimeOffset now) =>
        now - generation.UpdatedAt > TimeSpan.FromSeconds(10) ? 0 : generation.EventsPerSecond;

    private static ProjectionError? ErrorOf(GenerationRecord g) =>
        g.LastError is null ? null : new ProjectionError(g.LastError, g.ErrorAt ?? g.UpdatedAt, g.ErrorTransient, g.ErrorPosition, g.ErrorStream, g.ErrorType, g.ErrorEventId);

    private async Task<RebuildProgress> ProgressOfAsync(GenerationRecord g, Position? head, CancellationToken cancellationToken)
    {
        var state = g.Role switch
        {
            Roles.Building => g.Phase == Phases.Faulted ? RebuildState.Faulted : RebuildState.Building,
            _ when g.SwitchedAt is not null => RebuildState.Completed,
            _ => RebuildState.Abandoned,
        };
        var now = await catalog.NowAsync(cancellationToken);
        long? total = g.EventsSeen;
        if (state == RebuildState.Building || state == RebuildState.Faulted)
        {
            total = g.EventsSeen + await store.CountAllAfterAsync(g.Checkpoint, cancellationToken);
        }

        var rate = RateOf(g, now);
        TimeSpan? eta = state == RebuildState.Completed ? TimeSpan.Zero
            : total is { } t && rate > 0 ? TimeSpan.FromSeconds(Math.Max(0, t - g.EventsSeen) / rate)
            : null;
        return new RebuildProgress(g.Name, g.Generation, g.Version, g.Schema, state, g.EventsSeen, total, rate, eta, g.Checkpoint, head, g.CreatedAt, g.SwitchedAt, ErrorOf(g));
    }
}

internal static class ProjectionValidation
{
    public static IReadOnlyList<IProjection> Validate(IEnumerable<IProjection> projections)
    {
        var list = projections.ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var tables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var projection in list)
        {
            if (!ProjectionOptions.IsIdentifier(projection.Name) || projection.Name.Length > 30)
            {
                throw new InvalidOperationException($"Projection name '{projection.Name}' must be a lower-case identifier of at most 30 characters.");
            }

            if (!names.Add(projection.Name))
            {
                throw new InvalidOperationException($"Two projections are named '{projection.Name}'.");
            }

            if (projection.Version < 1)
            {
                throw new InvalidOperationException($"Projection '{projection.Name}' needs a version of at least 1.");
            }

            foreach (var table in projection.Tables)
            {
                if (!ProjectionOptions.IsIdentifier(table))
                {
                    throw new InvalidOperationException($"Table name '{table}' of projection '{projection.Name}' must be a lower-case identifier.");
                }

                if (!tables.TryAdd(table, projection.Name))
                {
                    throw new InvalidOperationException($"Table '{table}' is owned by both '{tables[table]}' and '{projection.Name}'.");
                }
            }
        }

        return list;
    }
}
