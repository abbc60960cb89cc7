using Dapper;
using Npgsql;
using OrderLedger.Domain;
using OrderLedger.Domain.Alerts;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Projections;
using OrderLedger.Projections.Runtime;

namespace OrderLedger.Reactors.Alerts;

/// <summary>One alert as the cockpit lists it. <see cref="RecoveredAt"/> null: still open.</summary>
public sealed record AlertSummary(
    string AlertId,
    string StoreId,
    string Rule,
    string Subject,
    string Summary,
    double? Value,
    double? Target,
    DateTimeOffset RaisedAt,
    DateTimeOffset? RecoveredAt,
    string? RecoverySummary);

/// <summary>The alerts of the stores asked for: every open one, and the latest ones whether open or recovered.</summary>
public sealed record AlertList(IReadOnlyList<AlertSummary> Open, IReadOnlyList<AlertSummary> Recent);

/// <summary><c>alerts</c>: one row per alert, from the <c>alerts-{storeId}</c> streams (raised, then recovered).</summary>
public sealed class AlertsProjection : IProjection
{
    public const string Table = "alerts";

    public string Name => "alerts";

    public int Version => 1;

    public IReadOnlySet<string> EventTypes { get; } = DomainEventTypes.NamesOf<AlertEvent>();

    public IReadOnlyList<string> Tables => [Table];

    public string CreateTablesSql(string schema) => $"""
        CREATE TABLE {schema}.{Table} (
            alert_id          text PRIMARY KEY,
            store_id          text NOT NULL,
            rule              text NOT NULL,
            subject           text NOT NULL,
            summary           text NOT NULL,
            value             float8,
            target            float8,
            raised_at         timestamptz NOT NULL,
            recovered_at      timestamptz,
            recovery_summary  text);
        CREATE INDEX ON {schema}.{Table} (store_id, raised_at DESC);
        CREATE INDEX ON {schema}.{Table} (store_id) WHERE recovered_at IS NULL;
        """;

    public async Task ApplyAsync(IReadOnlyList<DecodedEvent> batch, ProjectionContext context, CancellationToken cancellationToken)
    {
        foreach (var e in batch)
        {
            switch (e.Event)
            {
                case AlertRaised r:
                    await context.Connection.ExecuteAsync(new CommandDefinition(
                        $"""
                        INSERT INTO {context.Schema}.{Table} (alert_id, store_id, rule, subject, summary, value, target, raised_at)
                        VALUES (@AlertId, @StoreId, @Rule, @Subject, @Summary, @Value, @Target, @At)
                        ON CONFLICT (alert_id) DO NOTHING
                        """,
                        new { r.AlertId, r.StoreId, r.Rule, r.Subject, r.Summary, r.Value, r.Target, At = r.OccurredAt.UtcDateTime },
                        context.Transaction, cancellationToken: cancellationToken));
                    break;
                case AlertRecovered r:
                    await context.Connection.ExecuteAsync(new CommandDefinition(
                        $"UPDATE {context.Schema}.{Table} SET recovered_at = @At, recovery_summary = @Summary WHERE alert_id = @AlertId",
                        new { r.AlertId, r.Summary, At = r.OccurredAt.UtcDateTime }, context.Transaction, cancellationToken: cancellationToken));
                    break;
            }
        }
    }
}

/// <summary>Reads <c>rm.alerts</c> (an empty list while the projection has not built its first generation).</summary>
public sealed class AlertQueries(NpgsqlDataSource dataSource, string viewSchema = ProjectionOptions.DefaultViewSchema)
{
    private readonly string _view = $"{ProjectionOptions.CheckedSchema(viewSchema)}.{AlertsProjection.Table}";

    internal const string Columns =
        "alert_id AS alertid, store_id AS storeid, rule, subject, summary, value, target, raised_at AS raisedat, recovered_at AS recoveredat, recovery_summary AS recoverysummary";

    /// <summary>Every open alert of the stores (oldest first) and the <paramref name="recent"/> latest raised, open or not.</summary>
    public async Task<AlertList> ListAsync(IReadOnlyCollection<string> storeIds, int recent = 50, CancellationToken cancellationToken = default)
    {
        var stores = storeIds.ToArray();
        var open = await QueryAsync($"SELECT {Columns} FROM {_view} WHERE store_id = ANY(@stores) AND recovered_at IS NULL ORDER BY raised_at, alert_id", new { stores }, cancellationToken);
        var latest = await QueryAsync(
            $"SELECT {Columns} FROM {_view} WHERE store_id = ANY(@stores) ORDER BY raised_at DESC, alert_id DESC LIMIT @recent", new { stores, recent }, cancellationToken);
        return new AlertList(open, latest);
    }

    internal string View => _view;

    internal async Task<IReadOnlyList<AlertSummary>> QueryAsync(string sql, object? parameters, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            return [.. (await connection.QueryAsync<AlertRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).Select(r => r.ToSummary())];
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return [];
        }
    }

    internal sealed record AlertRow(
        string AlertId, string StoreId, string Rule, string Subject, string Summary, double? Value, double? Target, DateTime RaisedAt, DateTime? RecoveredAt, string? RecoverySummary)
    {
        public AlertSummary ToSummary() => new(
            AlertId, StoreId, Rule, Subject, Summary, Value, Target, Utc(RaisedAt), RecoveredAt is { } at ? Utc(at) : null, RecoverySummary);

        private static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));
    }
}
