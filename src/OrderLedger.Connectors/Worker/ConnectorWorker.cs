using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OrderLedger.Projections.Runtime;

namespace OrderLedger.Connectors.Worker;

/// <summary>
/// Handles inbox entries, in log order: every <see cref="ConnectorOptions.PollInterval"/> it reads the entries of
/// <c>rm.connector_inbox</c> not yet in <c>connectors.handled</c>, gives each to its channel's <see cref="IInboxHandler"/>
/// and records what came of it. An entry that fails (the platform API down, a conflict) is tried again on a later pass,
/// and so are the later entries of its inbox, so one store's facts keep their order; other inboxes go on, up to
/// <see cref="ConnectorOptions.ParallelInboxes"/> of them at once. A crash
/// between the inbox and the commands repeats the entry on restart, and the commands' ids make that harmless.
/// </summary>
public sealed partial class ConnectorWorker(
    IEnumerable<IInboxHandler> handlers,
    ConnectorOptions options,
    ConnectorTelemetry telemetry,
    TimeProvider time,
    ILogger<ConnectorWorker> logger,
    NpgsqlDataSource dataSource) : BackgroundService
{
    private readonly Dictionary<string, IInboxHandler> _handlers = handlers.ToDictionary(h => h.Channel, StringComparer.Ordinal);
    private bool _tablesCreated;
    private long _floor;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PollingLoop.RunAsync(DrainAsync, options.PollInterval, time, LogPassFailed, stoppingToken);

    /// <summary>Passes until one finds nothing to do: a burst is worked off without waiting a poll interval between batches.</summary>
    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (await HandlePendingAsync(cancellationToken) > 0)
        {
        }
    }

    /// <summary>One pass: handles the entries not handled before; returns how many it handled.</summary>
    public async Task<int> HandlePendingAsync(CancellationToken cancellationToken = default)
    {
        if (!_tablesCreated)
        {
            await ConnectorTables.CreateAsync(dataSource, cancellationToken);
            _tablesCreated = true;
        }

        List<InboxEntry> pending;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            try
            {
                pending = [.. (await connection.QueryAsync<InboxRow>(new CommandDefinition(
                    $"""
                    SELECT i.seq, i.event_id AS eventid, i.inbox_id AS inboxid, i.channel, i.store_id AS storeid, i.body, i.received_at AS receivedat
                    FROM {options.ViewSchema}.connector_inbox i
                    WHERE i.seq > @Floor AND NOT EXISTS (SELECT 1 FROM connectors.handled h WHERE h.event_id = i.event_id)
                    ORDER BY i.seq
                    LIMIT @Limit
                    """,
                    new { Floor = _floor, Limit = options.BatchSize }, cancellationToken: cancellationToken)))
                    .Select(r => new InboxEntry(r.Seq, r.EventId, r.InboxId, r.Channel, r.StoreId, r.Body, new DateTimeOffset(DateTime.SpecifyKind(r.ReceivedAt, DateTimeKind.Utc))))];
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                return 0; // the inbox projection has not built its first generation yet
            }
        }

        // Inboxes are independent (one per channel and store): each is worked in its own order, side by side.
        var inboxes = pending.GroupBy(e => e.InboxId, StringComparer.Ordinal).ToList();
        var results = new InboxPass[inboxes.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, inboxes.Count), new ParallelOptions { MaxDegreeOfParallelism = options.ParallelInboxes, CancellationToken = cancellationToken },
            async (i, token) => results[i] = await HandleInboxAsync([.. inboxes[i]], token));

        if (pending.Count > 0)
        {
            _floor = (results.Select(r => r.FirstDeferred).Where(seq => seq is not null).Min() ?? pending[^1].Seq + 1) - 1;
        }

        return results.Sum(r => r.Handled);
    }

    /// <summary>
    /// One inbox's entries in order, until one fails (it and the rest of this inbox wait for a later pass); what came of
    /// them is recorded in one statement at the end. A crash before that repeats them, which their command ids make harmless.
    /// </summary>
    private async Task<InboxPass> HandleInboxAsync(List<InboxEntry> entries, CancellationToken cancellationToken)
    {
        var outcomes = new List<(InboxEntry Entry, string Outcome)>(entries.Count);
        long? firstDeferred = null;
        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!_handlers.TryGetValue(entry.Channel, out var handler))
            {
                firstDeferred = entry.Seq;
                break;
            }

            try
            {
                outcomes.Add((entry, await handler.HandleAsync(entry, cancellationToken)));
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogDeferred(entry.InboxId, entry.Seq, ex.Message);
                firstDeferred = entry.Seq;
                break;
            }
        }

        await RecordAsync(outcomes, cancellationToken);
        foreach (var (entry, _) in outcomes)
        {
            telemetry.Handled(entry.Channel);
        }

        return new InboxPass(outcomes.Count, firstDeferred);
    }

    private async Task RecordAsync(List<(InboxEntry Entry, string Outcome)> outcomes, CancellationToken cancellationToken)
    {
        if (outcomes.Count == 0)
        {
            return;
        }

        var at = time.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO connectors.handled (event_id, inbox_id, outcome, handled_at)
            SELECT e, i, o, @At FROM unnest(@EventIds, @InboxIds, @Outcomes) AS t(e, i, o)
            ON CONFLICT (event_id) DO NOTHING
            """,
            new
            {
                EventIds = outcomes.Select(o => o.Entry.EventId).ToArray(),
                InboxIds = outcomes.Select(o => o.Entry.InboxId).ToArray(),
                Outcomes = outcomes.Select(o => o.Outcome).ToArray(),
                At = at,
            },
            cancellationToken: cancellationToken));
    }

    private sealed record InboxPass(int Handled, long? FirstDeferred);

    private sealed record InboxRow(long Seq, Guid EventId, string InboxId, string Channel, string StoreId, string Body, DateTime ReceivedAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connector worker pass failed")]
    private partial void LogPassFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "Inbox {InboxId} entry {Seq} deferred: {Reason}")]
    private partial void LogDeferred(string inboxId, long seq, string reason);
}

/// <summary>The worker's own tables, outside the projection schemas: what it handled, and the chat pull cursors.</summary>
public static class ConnectorTables
{
    public static async Task CreateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            CREATE SCHEMA IF NOT EXISTS connectors;
            CREATE TABLE IF NOT EXISTS connectors.handled (
                event_id   uuid PRIMARY KEY,
                inbox_id   text NOT NULL,
                outcome    text NOT NULL,
                handled_at timestamptz NOT NULL
            );
            CREATE TABLE IF NOT EXISTS connectors.kf_cursors (
                store_id   text NOT NULL,
                open_kfid  text NOT NULL,
                cursor     text NOT NULL,
                PRIMARY KEY (store_id, open_kfid)
            );
            """, cancellationToken: cancellationToken));
    }
}
