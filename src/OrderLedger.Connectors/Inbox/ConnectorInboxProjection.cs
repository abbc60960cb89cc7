using Dapper;
using OrderLedger.Domain;
using OrderLedger.Domain.Inbox;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Projections;

namespace OrderLedger.Connectors.Inbox;

/// <summary>
/// The connector worker's queue: every inbox entry of <c>$all</c>, in log order, written with the projection's
/// checkpoint (like the reactors' timers), so an entry is never lost or seen twice by the runtime. What the worker did
/// with an entry lives outside the projection schemas (<c>connectors.handled</c>): a rebuild recreates the queue but
/// repeats nothing.
/// </summary>
public sealed class ConnectorInboxProjection : IProjection
{
    public const string ProjectionName = "connector_inbox";

    public string Name => ProjectionName;

    public int Version => 1;

    public IReadOnlySet<string> EventTypes { get; } = DomainEventTypes.NamesOf(typeof(InboxNotificationReceived));

    public IReadOnlyList<string> Tables { get; } = ["connector_inbox"];

    public string CreateTablesSql(string schema) =>
        $"""
        CREATE TABLE {schema}.connector_inbox (
            seq          bigserial PRIMARY KEY,
            event_id     uuid NOT NULL UNIQUE,
            inbox_id     text NOT NULL,
            channel      text NOT NULL,
            store_id     text NOT NULL,
            content_type text NOT NULL,
            body         text NOT NULL,
            received_at  timestamptz NOT NULL
        );
        """;

    public async Task ApplyAsync(IReadOnlyList<DecodedEvent> batch, ProjectionContext context, CancellationToken cancellationToken)
    {
        var rows = batch
            .Where(e => e.Event is InboxNotificationReceived)
            .Select(e => (Id: e.Record.EventId, Received: (InboxNotificationReceived)e.Event))
            .ToList();
        if (rows.Count == 0)
        {
            return;
        }

        await context.Connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO {context.Schema}.connector_inbox (event_id, inbox_id, channel, store_id, content_type, body, received_at)
            SELECT * FROM unnest(@Ids, @Inboxes, @Channels, @Stores, @ContentTypes, @Bodies, @Received)
            ON CONFLICT (event_id) DO NOTHING
            """,
            new
            {
                Ids = rows.Select(r => r.Id).ToArray(),
                Inboxes = rows.Select(r => r.Received.InboxId).ToArray(),
                Channels = rows.Select(r => r.Received.Channel).ToArray(),
                Stores = rows.Select(r => r.Received.StoreId).ToArray(),
                ContentTypes = rows.Select(r => r.Received.ContentType).ToArray(),
                Bodies = rows.Select(r => r.Received.Body).ToArray(),
                Received = rows.Select(r => r.Received.OccurredAt.UtcDateTime).ToArray(),
            },
            context.Transaction,
            cancellationToken: cancellationToken));
    }
}
