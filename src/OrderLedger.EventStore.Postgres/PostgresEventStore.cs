using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace OrderLedger.EventStore.Postgres;

/// <summary>
/// The embedded default event store: one table of events in PostgreSQL. See docs/architecture.md for why
/// readers of $all can never skip an event that commits late.
/// </summary>
public sealed class PostgresEventStore : IEventStore, IAsyncDisposable
{
    private const int PageSize = 1000;
    private const int MaxAppendAttempts = 3;
    private static readonly TimeSpan PendingCommitWait = TimeSpan.FromSeconds(5);
    private const string Columns = "tx_id, seq, stream_id, stream_revision, event_id, event_type, content_type, data, metadata, created";

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly PostgresEventStoreOptions _options;
    private readonly string _schema;
    private readonly AppendNotifications _notifications;
    private readonly ILogger _logger;
    private int _disposed;

    public PostgresEventStore(NpgsqlDataSource dataSource, PostgresEventStoreOptions options, ILogger<PostgresEventStore>? logger = null)
        : this(dataSource, options, ownsDataSource: false, logger)
    {
    }

    /// <summary>A store on its own connection pool, disposed with the store. Migrations are not applied; see <see cref="OpenAsync"/>.</summary>
    public PostgresEventStore(PostgresEventStoreOptions options, ILogger<PostgresEventStore>? logger = null)
        : this(CreateDataSource(options), options, ownsDataSource: true, logger)
    {
    }

    private PostgresEventStore(NpgsqlDataSource dataSource, PostgresEventStoreOptions options, bool ownsDataSource, ILogger? logger)
    {
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _options = options;
        _schema = options.ValidatedSchema;
        _logger = logger ?? NullLogger.Instance;
        _notifications = new AppendNotifications(dataSource, options.NotificationChannel, _logger);
    }

    /// <summary>Opens the store on its own connection pool and applies its migrations.</summary>
    public static async Task<PostgresEventStore> OpenAsync(PostgresEventStoreOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        var dataSource = CreateDataSource(options);
        try
        {
            if (string.IsNullOrWhiteSpace(options.OwnerConnectionString))
            {
                await PostgresMigrator.MigrateAsync(dataSource, options.ValidatedSchema, cancellationToken);
            }
            else
            {
                await options.MigrateAsync(cancellationToken);
            }
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }

        return new PostgresEventStore(dataSource, options, ownsDataSource: true, logger);
    }

    private static NpgsqlDataSource CreateDataSource(PostgresEventStoreOptions options) => CreateDataSource(options.ConnectionString);

    /// <summary>
    /// The store sends a handful of statements over and over, so unless the connection string says otherwise they are
    /// prepared once per connection: parsing and planning the append is a large part of a one-event append's cost.
    /// Every pool of the database is built this way (<see cref="ServiceCollectionExtensions.AddPostgresDataSources"/>).
    /// </summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 16;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }

        return builder.Build();
    }

    public async Task<AppendResult> AppendAsync(string streamId, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        AppendRules.Check(streamId, events);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await AppendOnceAsync(streamId, expected, events, cancellationToken);
                if (result is null)
                {
                    return await ExplainRejectedAppendAsync(streamId, expected, events, duplicateEventId: false, inner: null, cancellationToken);
                }

                _notifications.Appended();
                return result;
            }
            catch (PostgresException ex) when (ex.SqlState is "OL001" or "OL003" or PostgresErrorCodes.UniqueViolation)
            {
                var duplicateEventId = ex.SqlState == "OL003" || ex.ConstraintName?.EndsWith("event_id_key", StringComparison.Ordinal) == true;
                return await ExplainRejectedAppendAsync(streamId, expected, events, duplicateEventId, ex, cancellationToken);
            }
            catch (NpgsqlException ex) when (ex.IsTransient && !cancellationToken.IsCancellationRequested)
            {
                // Retrying is safe: the same event ids at the same place are recognised as already written.
                if (attempt == MaxAppendAttempts)
                {
                    throw new EventStoreUnavailableException($"Appending to '{streamId}' failed {attempt} times: {ex.Message}", ex);
                }

                _logger.LogWarning(ex, "Append to {Stream} failed transiently (attempt {Attempt}); retrying.", streamId, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt * attempt), cancellationToken);
            }
        }
    }

    /// <summary>
    /// One call of <c>append_batch</c> (R_functions.sql): every part's expectation checked and every row inserted in one
    /// statement of one transaction. A refusal is explained part by part (<see cref="ExplainRejectedBatchAsync"/>): parts
    /// already stored at their place are a retry and keep their original result; the rest is tried again, or the first
    /// part that conflicts is reported.
    /// </summary>
    public async Task<IReadOnlyList<AppendResult>> AppendBatchAsync(IReadOnlyList<StreamAppend> appends, CancellationToken cancellationToken = default)
    {
        AppendRules.CheckBatch(appends);
        var results = new AppendResult?[appends.Count];
        var pending = Enumerable.Range(0, appends.Count).ToList();
        for (var attempt = 1; ; attempt++)
        {
            var parts = pending.Select(i => appends[i]).ToList();
            try
            {
                var written = await AppendBatchOnceAsync(parts, cancellationToken);
                for (var k = 0; k < pending.Count; k++)
                {
                    results[pending[k]] = written[k];
                }

                _notifications.Appended();
                return results.Select(r => r!).ToList();
            }
            catch (PostgresException ex) when (ex.SqlState is "OL001" or PostgresErrorCodes.UniqueViolation)
            {
                var stored = await ExplainRejectedBatchAsync(parts, ex, cancellationToken);
                for (var k = pending.Count - 1; k >= 0; k--)
                {
                    if (stored[k] is { } original)
                    {
                        results[pending[k]] = original;
                        pending.RemoveAt(k);
                    }
                }

                if (pending.Count == 0)
                {
                    return results.Select(r => r!).ToList();
                }

                if (attempt == MaxAppendAttempts)
                {
                    throw new EventStoreUnavailableException($"A batch of {appends.Count} appends kept meeting concurrent writers ({attempt} attempts).", ex);
                }
            }
            catch (NpgsqlException ex) when (ex.IsTransient && !cancellationToken.IsCancellationRequested)
            {
                if (attempt == MaxAppendAttempts)
                {
                    throw new EventStoreUnavailableException($"Appending a batch of {appends.Count} appends failed {attempt} times: {ex.Message}", ex);
                }

                _logger.LogWarning(ex, "Batch append of {Count} appends failed transiently (attempt {Attempt}); retrying.", appends.Count, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt * attempt), cancellationToken);
            }
        }
    }

    private async Task<AppendResult[]> AppendBatchOnceAsync(IReadOnlyList<StreamAppend> parts, CancellationToken cancellationToken)
    {
        var events = parts.SelectMany(p => p.Events).ToArray();
        var partOfEvent = new int[events.Length];
        var offsetInPart = new int[events.Length];
        var next = 0;
        for (var part = 0; part < parts.Count; part++)
        {
            for (var offset = 1; offset <= parts[part].Events.Count; offset++, next++)
            {
                partOfEvent[next] = part + 1;
                offsetInPart[next] = offset;
            }
        }

        await using var command = _dataSource.CreateCommand(
            $"SELECT part_stream, last_revision, commit_position, prepare_position FROM {_schema}.append_batch($1, $2, $3, $4, $5, $6, $7, $8, $9)");
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = parts.Select(p => p.StreamId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = parts.Select(p => EncodeExpected(p.Expected)).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = partOfEvent });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = offsetInPart });
        AddEventParameters(command, events);
        var written = new Dictionary<string, AppendResult>(parts.Count, StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                written[reader.GetString(0)] = new AppendResult((ulong)reader.GetInt64(1), new Position((ulong)reader.GetInt64(2), (ulong)reader.GetInt64(3)));
            }
        }

        return parts.Select(p => written[p.StreamId]).ToArray();
    }

    /// <summary>
    /// Reads where each part's event ids are stored and each stream's last revision. Returns, per part, its original
    /// result when it is already stored at the place its expectation names (a retry), else null; throws the port's error
    /// for the first part that conflicts. Nulls without a throw mean the conflict was with a writer that has since moved
    /// on (or with the stored parts alone): the caller tries those parts again.
    /// </summary>
    private async Task<AppendResult?[]> ExplainRejectedBatchAsync(IReadOnlyList<StreamAppend> parts, PostgresException inner, CancellationToken cancellationToken)
    {
        var events = parts.SelectMany((p, part) => p.Events.Select(e => (Part: part, e.EventId))).ToArray();
        await using var batch = _dataSource.CreateBatch();
        var whereStored = new NpgsqlBatchCommand($"""
            SELECT u.part, e.stream_id, e.stream_revision, e.tx_id, e.seq
            FROM unnest($1::int[], $2::uuid[]) WITH ORDINALITY AS u(part, id, ord)
            LEFT JOIN {_schema}.events e ON e.event_id = u.id
            ORDER BY u.ord
            """);
        whereStored.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = events.Select(e => e.Part).ToArray() });
        whereStored.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = events.Select(e => e.EventId).ToArray() });
        var lastRevisions = new NpgsqlBatchCommand($"""
            SELECT (SELECT coalesce(max(e.stream_revision), -1) FROM {_schema}.events e WHERE e.stream_id = x.s)
            FROM unnest($1::text[]) WITH ORDINALITY AS x(s, i)
            ORDER BY x.i
            """);
        lastRevisions.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = parts.Select(p => p.StreamId).ToArray() });
        batch.BatchCommands.Add(whereStored);
        batch.BatchCommands.Add(lastRevisions);
        var found = new List<(string Stream, long Revision, Position Position)?>(events.Length);
        var current = new List<long>(parts.Count);
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                found.Add(reader.IsDBNull(1)
                    ? null
                    : (reader.GetString(1), reader.GetInt64(2), new Position((ulong)reader.GetInt64(3), (ulong)reader.GetInt64(4))));
            }

            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                current.Add(reader.GetInt64(0));
            }
        }

        var stored = new AppendResult?[parts.Count];
        var first = 0;
        for (var part = 0; part < parts.Count; part++)
        {
            var (streamId, expected, partEvents) = parts[part];
            var locations = found.GetRange(first, partEvents.Count);
            first += partEvents.Count;
            var sameAppend = locations[0] is { } head && head.Stream == streamId
                && locations.Select((l, k) => l is { } at && at.Stream == streamId && at.Revision == head.Revision + k).All(inPlace => inPlace);
            if (sameAppend && IsConsistent(expected, locations[0]!.Value.Revision))
            {
                stored[part] = new AppendResult((ulong)locations[^1]!.Value.Revision, locations[^1]!.Value.Position);
                continue;
            }

            if (!sameAppend && locations.FindIndex(l => l is not null) is var duplicate and >= 0)
            {
                throw new DuplicateEventIdException(streamId, partEvents[duplicate].EventId, inner);
            }

            ulong? actual = current[part] < 0 ? null : (ulong)current[part];
            if (!expected.HoldsFor(actual))
            {
                throw new WrongExpectedRevisionException(streamId, expected, actual, inner);
            }
        }

        return stored;
    }

    /// <summary>
    /// An append was refused: either it conflicts, or it is a retry of an append that already succeeded, whose
    /// original result is returned. Otherwise this throws the port's error.
    /// </summary>
    private async Task<AppendResult> ExplainRejectedAppendAsync(
        string streamId, ExpectedRevision expected, IReadOnlyList<EventData> events, bool duplicateEventId, Exception? inner, CancellationToken cancellationToken)
    {
        var earlier = await FindEarlierAppendAsync(streamId, events, cancellationToken);
        if (earlier.Result is { } original && IsConsistent(expected, earlier.FirstRevision))
        {
            return original;
        }

        if (duplicateEventId && earlier.Result is null)
        {
            throw new DuplicateEventIdException(streamId, events[0].EventId, inner);
        }

        var actual = earlier.CurrentRevision;
        throw new WrongExpectedRevisionException(streamId, expected, actual < 0 ? null : (ulong)actual, inner);
    }

    /// <summary>The stored result, or null when an exact expected revision does not name the stream's last event.</summary>
    private Task<AppendResult?> AppendOnceAsync(string streamId, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken) =>
        expected.Kind is ExpectedRevisionKind.NoStream or ExpectedRevisionKind.Exact
            ? InsertAtRevisionAsync(streamId, expected.Kind == ExpectedRevisionKind.NoStream ? -1 : checked((long)expected.Revision), events, cancellationToken)
            : AppendUnderStreamLockAsync(streamId, expected, events, cancellationToken);

    /// <summary>
    /// The common case, when the caller names the revision its events follow: one INSERT at the revisions after it.
    /// The unique index on (stream, revision) is the concurrency check: of two racing writers the second waits on
    /// the index entry and then fails. Revision <paramref name="after"/> must exist, or the stream would get a gap.
    /// </summary>
    private async Task<AppendResult?> InsertAtRevisionAsync(string streamId, long after, IReadOnlyList<EventData> events, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"""
            WITH inserted AS (
                INSERT INTO {_schema}.events (tx_id, stream_id, stream_revision, event_id, event_type, content_type, data, metadata)
                SELECT pg_current_xact_id()::text::bigint, $1, $2 + u.ord, u.id, u.t, u.ct, u.d, u.m
                FROM unnest($3, $4, $5, $6, $7) WITH ORDINALITY AS u(id, t, ct, d, m, ord)
                WHERE $2 = -1 OR EXISTS (SELECT 1 FROM {_schema}.events e WHERE e.stream_id = $1 AND e.stream_revision = $2)
                ORDER BY u.ord
                RETURNING stream_revision, tx_id, seq)
            SELECT max(stream_revision), max(tx_id), max(seq) FROM inserted
            """);
        AddAppendParameters(command, streamId, after, events);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.IsDBNull(0)
            ? null
            : new AppendResult((ulong)reader.GetInt64(0), new Position((ulong)reader.GetInt64(1), (ulong)reader.GetInt64(2)));
    }

    /// <summary>"Any" and "stream exists" need the stream's current revision, read under a per-stream lock (append_events).</summary>
    private async Task<AppendResult?> AppendUnderStreamLockAsync(string streamId, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            $"SELECT last_revision, commit_position, prepare_position FROM {_schema}.append_events($1, $2, $3, $4, $5, $6, $7)");
        AddAppendParameters(command, streamId, EncodeExpected(expected), events);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException($"append_events returned no row for '{streamId}'.");
        }

        return new AppendResult((ulong)reader.GetInt64(0), new Position((ulong)reader.GetInt64(1), (ulong)reader.GetInt64(2)));
    }

    private static void AddAppendParameters(NpgsqlCommand command, string streamId, long expected, IReadOnlyList<EventData> events)
    {
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expected });
        AddEventParameters(command, events);
    }

    private static void AddEventParameters(NpgsqlCommand command, IReadOnlyList<EventData> events)
    {
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = events.Select(e => e.EventId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = events.Select(e => e.Type).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = events.Select(e => e.ContentType).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = events.Select(e => e.Data.ToArray()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = events.Select(e => e.Metadata.ToArray()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
    }

    /// <summary>
    /// Where an earlier append of exactly these event ids to this stream was stored (null when it was not),
    /// and the stream's current last revision (-1 = no stream).
    /// </summary>
    private async Task<(AppendResult? Result, long FirstRevision, long CurrentRevision)> FindEarlierAppendAsync(
        string streamId, IReadOnlyList<EventData> events, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            $"SELECT first_revision, last_revision, commit_position, prepare_position, matching, found_in_stream, current_revision FROM {_schema}.find_append($1, $2)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = events.Select(e => e.EventId).ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var current = reader.GetInt64(6);
        var sameAppend = !reader.IsDBNull(5) && reader.GetString(5) == streamId && reader.GetInt32(4) == events.Count;
        return sameAppend
            ? (new AppendResult((ulong)reader.GetInt64(1), new Position((ulong)reader.GetInt64(2), (ulong)reader.GetInt64(3))), reader.GetInt64(0), current)
            : (null, -1, current);
    }

    /// <summary>Whether a retry with <paramref name="expected"/> targets the place its events were first written.</summary>
    private static bool IsConsistent(ExpectedRevision expected, long firstRevision) => expected.Kind switch
    {
        ExpectedRevisionKind.Any or ExpectedRevisionKind.StreamExists => true,
        ExpectedRevisionKind.NoStream => firstRevision == 0,
        _ => (long)expected.Revision == firstRevision - 1,
    };


    private static long EncodeExpected(ExpectedRevision expected) => expected.Kind switch
    {
        ExpectedRevisionKind.Exact => checked((long)expected.Revision),
        ExpectedRevisionKind.NoStream => -1,
        ExpectedRevisionKind.Any => -2,
        ExpectedRevisionKind.StreamExists => -4,
        _ => throw new ArgumentOutOfRangeException(nameof(expected)),
    };

    public async IAsyncEnumerable<RecordedEvent> ReadStreamAsync(string streamId, StreamReadOptions options, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        AppendRules.CheckStreamId(streamId);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.FromRevision ?? 0, (ulong)long.MaxValue, nameof(options));
        var forwards = options.Direction == ReadDirection.Forwards;
        long? next = options.FromRevision is { } from ? checked((long)from) : null;
        var remaining = options.MaxCount;
        while (remaining > 0)
        {
            var limit = (int)Math.Min(remaining, PageSize);
            var sql = forwards
                ? $"SELECT {Columns} FROM {_schema}.events WHERE stream_id = $1 AND stream_revision >= coalesce($2, 0) ORDER BY stream_revision LIMIT $3"
                : $"SELECT {Columns} FROM {_schema}.events WHERE stream_id = $1 AND stream_revision <= coalesce($2, {long.MaxValue}) ORDER BY stream_revision DESC LIMIT $3";
            await using var command = _dataSource.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)next ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            var page = await ReadEventsAsync(command, cancellationToken);
            foreach (var e in page)
            {
                yield return e;
            }

            if (page.Count < limit)
            {
                yield break;
            }

            remaining -= page.Count;
            var last = (long)page[^1].Revision;
            if (!forwards && last == 0)
            {
                yield break;
            }

            next = forwards ? last + 1 : last - 1;
        }
    }

    public async IAsyncEnumerable<RecordedEvent> ReadAllAsync(Position? after, EventFilter? filter, long maxCount, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        var position = after ?? Position.Start;
        var remaining = maxCount;
        // Events committed before this read began but held behind an older open transaction are waited for (briefly),
        // so a reader sees its own appends; beyond that wait it gets the safe prefix and can read on from there later.
        var waitUntil = DateTime.UtcNow + PendingCommitWait;
        while (remaining > 0)
        {
            var limit = (int)Math.Min(remaining, PageSize);
            var page = await ReadAllPageAsync(position, filter, limit, cancellationToken);
            foreach (var e in page.Events)
            {
                yield return e;
            }

            remaining -= page.Events.Count;
            if (page.Events.Count > 0)
            {
                position = page.Events[^1].Position;
            }

            if (page.Events.Count < limit)
            {
                if (!page.HasPendingCommits || DateTime.UtcNow > waitUntil)
                {
                    yield break;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken);
            }
        }
    }

    public async IAsyncEnumerable<SubscriptionMessage> SubscribeToAllAsync(Position? after, EventFilter? filter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        _notifications.EnsureStarted();
        var position = after ?? Position.Start;
        // Caught up means: every event committed before the subscription started has been delivered.
        var catchUpTarget = await ReadHeadPositionAsync(cancellationToken);
        var caughtUp = false;
        var failures = 0;
        var pageSize = Math.Max(1, _options.SubscriptionPageSize);
        while (true)
        {
            // Taken before reading, so an append that lands during the read still wakes the next wait.
            var wake = _notifications.Signal.NextAsync();
            var page = await TryReadAllPageAsync(position, filter, pageSize, cancellationToken);
            if (page is null)
            {
                failures++;
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 100 * (1 << Math.Min(failures, 6)))), cancellationToken);
                continue;
            }

            failures = 0;
            foreach (var e in page.Events)
            {
                yield return new SubscriptionMessage.Event(e);
                position = e.Position;
            }

            if (page.Events.Count == pageSize)
            {
                continue;
            }

            // Every event below the horizon is final and was in this page: the horizon is a safe resume point.
            if (page.Horizon > position)
            {
                position = page.Horizon;
                if (filter is not null && page.Events.Count == 0)
                {
                    yield return new SubscriptionMessage.Checkpoint(position);
                }
            }

            if (!caughtUp && (catchUpTarget is null || position >= catchUpTarget.Value))
            {
                caughtUp = true;
                yield return new SubscriptionMessage.CaughtUp(position);
            }

            if (page.HasPendingCommits)
            {
                // Committed events wait behind an older, still-running transaction: look again shortly.
                await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken);
            }
            else
            {
                await Task.WhenAny(wake, Task.Delay(_options.FallbackPollInterval, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }

    private async Task<AllPage?> TryReadAllPageAsync(Position after, EventFilter? filter, int limit, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadAllPageAsync(after, filter, limit, cancellationToken);
        }
        catch (NpgsqlException ex) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "Subscription read after {Position} failed; resuming from there.", after);
            return null;
        }
    }

    public async Task<Position?> ReadHeadPositionAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand($"SELECT tx_id, seq FROM {_schema}.events ORDER BY tx_id DESC, seq DESC LIMIT 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new Position((ulong)reader.GetInt64(0), (ulong)reader.GetInt64(1))
            : null;
    }

    /// <summary>One probe of the unique index on the event id.</summary>
    public async Task<EventLocation?> FindEventAsync(Guid eventId, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand($"SELECT stream_id, stream_revision FROM {_schema}.events WHERE event_id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = eventId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new EventLocation(reader.GetString(0), (ulong)reader.GetInt64(1)) : null;
    }

    public bool FindsEventsById => true;

    /// <summary>How many events <see cref="CountAllAfterAsync"/> counts row by row before it estimates.</summary>
    public const long ExactCountUpTo = 10_000;

    /// <summary>
    /// Counts the rows after <paramref name="after"/> in <c>(tx_id, seq)</c> order exactly up to <see cref="ExactCountUpTo"/>;
    /// beyond that estimates from the sequence numbers (<c>seq</c> is one identity for the whole log, so the head's
    /// <c>seq</c> minus the checkpoint's is the number of events appended since, give or take the few transactions in
    /// flight). Counting a million rows for every status call made a status page, or a benchmark polling it, compete with
    /// the rebuild it was watching.
    /// </summary>
    public async Task<long> CountAllAfterAsync(Position? after, CancellationToken cancellationToken = default)
    {
        var position = after ?? Position.Start;
        await using var command = _dataSource.CreateCommand($"""
            SELECT (SELECT count(*) FROM (SELECT 1 FROM {_schema}.events WHERE (tx_id, seq) > ($1, $2) LIMIT {ExactCountUpTo + 1}) n),
                   (SELECT seq FROM {_schema}.events ORDER BY tx_id DESC, seq DESC LIMIT 1)
            """);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checked((long)position.Commit) });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checked((long)position.Prepare) });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var exact = reader.GetInt64(0);
        if (exact <= ExactCountUpTo || reader.IsDBNull(1))
        {
            return exact;
        }

        return Math.Max(exact, reader.GetInt64(1) - checked((long)position.Prepare));
    }

    private sealed record AllPage(IReadOnlyList<RecordedEvent> Events, Position Horizon, bool HasPendingCommits);

    /// <summary>
    /// One page of $all after <paramref name="after"/>, limited to events of transactions older than every running
    /// one (the snapshot's xmin, "the horizon"): those can no longer be joined by an event that sorts before them.
    /// </summary>
    private async Task<AllPage> ReadAllPageAsync(Position after, EventFilter? filter, int limit, CancellationToken cancellationToken)
    {
        var filterSql = filter?.Kind switch
        {
            null => "",
            EventFilterKind.StreamPrefix => "AND EXISTS (SELECT 1 FROM unnest($4::text[]) p WHERE starts_with(e.stream_id, p))",
            EventFilterKind.EventTypePrefix => "AND EXISTS (SELECT 1 FROM unnest($4::text[]) p WHERE starts_with(e.event_type, p))",
            _ => throw new ArgumentOutOfRangeException(nameof(filter)),
        };
        var sql = $"""
            SELECT h.horizon, h.pending, e.*
            FROM (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS horizon) h0
            CROSS JOIN LATERAL (
                SELECT h0.horizon,
                       -- "An event after ($1, $2) at or above the horizon", as two probes with one lower bound each: with
                       -- both bounds in one index condition PostgreSQL starts at ($1, $2) and walks every later entry
                       -- up to the horizon, which made each page of a catch-up cost as much as the rest of the log.
                       EXISTS (SELECT 1 FROM {_schema}.events x WHERE x.tx_id >= greatest(h0.horizon, $1 + 1))
                       OR ($1 >= h0.horizon AND EXISTS (SELECT 1 FROM {_schema}.events x WHERE x.tx_id = $1 AND x.seq > $2)) AS pending) h
            LEFT JOIN LATERAL (
                SELECT {Columns} FROM {_schema}.events e
                WHERE (e.tx_id, e.seq) > ($1, $2) AND e.tx_id < h.horizon {filterSql}
                ORDER BY e.tx_id, e.seq
                LIMIT $3) e ON true
            ORDER BY e.tx_id, e.seq
            """;
        await using var command = _dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checked((long)after.Commit) });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checked((long)after.Prepare) });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        if (filter is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = filter.Prefixes.ToArray() });
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<RecordedEvent>();
        long horizon = 0;
        var pending = false;
        while (await reader.ReadAsync(cancellationToken))
        {
            horizon = reader.GetInt64(0);
            pending = reader.GetBoolean(1);
            if (!reader.IsDBNull(2))
            {
                events.Add(ReadEvent(reader, offset: 2));
            }
        }

        return new AllPage(events, new Position((ulong)horizon, 0), pending);
    }

    private static async Task<List<RecordedEvent>> ReadEventsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<RecordedEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(ReadEvent(reader, offset: 0));
        }

        return events;
    }

    private static RecordedEvent ReadEvent(NpgsqlDataReader reader, int offset) => new(
        StreamId: reader.GetString(offset + 2),
        Revision: (ulong)reader.GetInt64(offset + 3),
        Position: new Position((ulong)reader.GetInt64(offset), (ulong)reader.GetInt64(offset + 1)),
        EventId: reader.GetGuid(offset + 4),
        Type: reader.GetString(offset + 5),
        Data: reader.GetFieldValue<byte[]>(offset + 7),
        Metadata: reader.GetFieldValue<byte[]>(offset + 8),
        Created: reader.GetFieldValue<DateTimeOffset>(offset + 9),
        ContentType: reader.GetString(offset + 6));

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _notifications.DisposeAsync();
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync();
        }
    }
}
