using Npgsql;
using OrderLedger.Domain;
using OrderLedger.Domain.Shipments;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Projections;
using OrderLedger.Projections.Runtime;
using OrderLedger.Projections.Sql;
using OrderLedger.ReadModels.Infrastructure;

namespace OrderLedger.ReadModels;

/// <summary>
/// One row of <c>shipments</c>: a parcel's progress. <see cref="Status"/>: created, picked, packed, handed_to_carrier,
/// delivered, intercepted, returned_to_sender. <see cref="OpenExceptions"/>: delayed, address_error, lost, damaged —
/// reported and not yet overtaken (see <see cref="ShipmentsProjection"/>). <see cref="LastMovementAt"/> is the last
/// carrier scan, or the hand-over when there was none: what "stuck" is measured from.
/// </summary>
public sealed record ShipmentSummary(
    string ShipmentId,
    string OrderId,
    string StoreId,
    string WarehouseId,
    string Status,
    int ItemCount,
    int? WeightGrams,
    string? Carrier,
    string? TrackingNumber,
    string? LastScanLocation,
    string? LastScanStatus,
    IReadOnlyList<string> OpenExceptions,
    int ExceptionCount,
    string? LastExceptionNote,
    DateTimeOffset CreatedAt,
    DateTimeOffset? PickedAt,
    DateTimeOffset? PackedAt,
    DateTimeOffset? HandedOverAt,
    DateTimeOffset? LastScanAt,
    DateTimeOffset? LastMovementAt,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset? InterceptedAt,
    DateTimeOffset? ReturnedAt,
    DateTimeOffset? LastExceptionAt,
    DateTimeOffset UpdatedAt);

/// <summary>A parcel in transit with no carrier scan for a while.</summary>
public sealed record StuckShipment(ShipmentSummary Shipment, TimeSpan SinceLastMovement);

/// <summary>
/// <c>shipments</c>: one row per parcel from its own stream. An exception stays open until the parcel overtakes it:
/// a later carrier scan clears <c>delayed</c> and <c>lost</c>; delivery, return to sender or interception also clear
/// <c>address_error</c>; <c>damaged</c> stays open (it is settled through a refund, not by the parcel).
/// </summary>
public sealed class ShipmentsProjection : IProjection
{
    public const string Table = "shipments";

    public string Name => "shipments";

    // 2: tracking numbers indexed lower-cased, for the agents' search by tracking number.
    public int Version => 2;

    public IReadOnlySet<string> EventTypes { get; } = DomainEventTypes.NamesOf<ShipmentEvent>();

    public IReadOnlyList<string> Tables { get; } = [Table];

    public string CreateTablesSql(string schema) => $"""
        CREATE TABLE {schema}.shipments (
            shipment_id          text PRIMARY KEY,
            order_id             text NOT NULL,
            store_id             text NOT NULL,
            warehouse_id         text NOT NULL,
            status               text NOT NULL,
            item_count           integer NOT NULL,
            weight_grams         integer,
            carrier              text,
            tracking_number      text,
            last_scan_location   text,
            last_scan_status     text,
            open_exceptions      jsonb NOT NULL,
            exception_count      integer NOT NULL,
            last_exception_note  text,
            created_at           timestamptz NOT NULL,
            picked_at            timestamptz,
            packed_at            timestamptz,
            handed_over_at       timestamptz,
            last_scan_at         timestamptz,
            last_movement_at     timestamptz,
            delivered_at         timestamptz,
            intercepted_at       timestamptz,
            returned_at          timestamptz,
            last_exception_at    timestamptz,
            updated_at           timestamptz NOT NULL
        );
        CREATE INDEX ON {schema}.shipments (order_id);
        CREATE INDEX ON {schema}.shipments (lower(tracking_number)) WHERE tracking_number IS NOT NULL;
        CREATE INDEX ON {schema}.shipments (store_id, last_movement_at) WHERE status = 'handed_to_carrier';
        CREATE INDEX ON {schema}.shipments (store_id, last_exception_at DESC) WHERE open_exceptions <> '[]'::jsonb;
        """;

    public Task ApplyAsync(IReadOnlyList<DecodedEvent> batch, ProjectionContext context, CancellationToken cancellationToken) =>
        Rows.FoldAsync(context, batch, e => e.Event is ShipmentEvent s ? s.ShipmentId : null, id => [id], s => s.ShipmentId, Evolve, cancellationToken);

    private static readonly string[] ClearedByScan = ["delayed", "lost"];
    private static readonly string[] ClearedByEnd = ["delayed", "lost", "address_error"];

    internal static ShipmentSummary? Evolve(ShipmentSummary? row, DecodedEvent e)
    {
        var at = e.OccurredAt();
        var next = (row, e.Event) switch
        {
            (null, ShipmentCreated c) => new ShipmentSummary(
                c.ShipmentId, c.OrderId, c.StoreId, c.WarehouseId, "created", c.Lines.Sum(l => l.Quantity), null, null, null, null, null,
                [], 0, null, at, null, null, null, null, null, null, null, null, null, at),
            (null, _) => null,
            (_, ShipmentPicked) => row with { Status = "picked", PickedAt = at },
            (_, ShipmentPackedAndVerified p) => row with { Status = "packed", PackedAt = at, WeightGrams = p.WeightGrams },
            (_, ShipmentHandedToCarrier h) => row with
            {
                Status = "handed_to_carrier", Carrier = h.Carrier, TrackingNumber = h.TrackingNumber, HandedOverAt = at, LastMovementAt = at,
            },
            (_, ShipmentTrackingScanned s) => row with
            {
                LastScanAt = at, LastScanLocation = s.Location, LastScanStatus = s.Status, LastMovementAt = at,
                OpenExceptions = Without(row.OpenExceptions, ClearedByScan),
            },
            (_, ShipmentDelivered) => row with { Status = "delivered", DeliveredAt = at, OpenExceptions = Without(row.OpenExceptions, ClearedByEnd) },
            (_, ShipmentIntercepted) => row with { Status = "intercepted", InterceptedAt = at, OpenExceptions = Without(row.OpenExceptions, ClearedByEnd) },
            (_, ShipmentReturnedToSender) => row with { Status = "returned_to_sender", ReturnedAt = at, OpenExceptions = Without(row.OpenExceptions, ClearedByEnd) },
            (_, ShipmentBackAtWarehouse) => row with { Status = "back_at_warehouse" },
            (_, ShipmentExceptionReported x) => row with
            {
                OpenExceptions = row.OpenExceptions.Contains(x.Kind.Snake()) ? row.OpenExceptions : [.. row.OpenExceptions, x.Kind.Snake()],
                ExceptionCount = row.ExceptionCount + 1,
                LastExceptionAt = at,
                LastExceptionNote = x.Note,
            },
            _ => row,
        };

        return next is null || ReferenceEquals(next, row) ? next : next with { UpdatedAt = at };
    }

    private static string[] Without(IReadOnlyList<string> open, string[] cleared) => [.. open.Where(k => !cleared.Contains(k))];

    internal static readonly RowTable<ShipmentSummary> Rows = new(
        Table,
        keyCount: 1,
        r => new ShipmentSummary(
            r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Int(5), r.IntN(6), r.TextN(7), r.TextN(8), r.TextN(9), r.TextN(10),
            r.Texts(11), r.Int(12), r.TextN(13), r.Time(14), r.TimeN(15), r.TimeN(16), r.TimeN(17), r.TimeN(18), r.TimeN(19), r.TimeN(20),
            r.TimeN(21), r.TimeN(22), r.TimeN(23), r.Time(24)),
        Col.Text<ShipmentSummary>("shipment_id", s => s.ShipmentId),
        Col.Text<ShipmentSummary>("order_id", s => s.OrderId),
        Col.Text<ShipmentSummary>("store_id", s => s.StoreId),
        Col.Text<ShipmentSummary>("warehouse_id", s => s.WarehouseId),
        Col.Text<ShipmentSummary>("status", s => s.Status),
        Col.Int<ShipmentSummary>("item_count", s => s.ItemCount),
        Col.IntN<ShipmentSummary>("weight_grams", s => s.WeightGrams),
        Col.Text<ShipmentSummary>("carrier", s => s.Carrier),
        Col.Text<ShipmentSummary>("tracking_number", s => s.TrackingNumber),
        Col.Text<ShipmentSummary>("last_scan_location", s => s.LastScanLocation),
        Col.Text<ShipmentSummary>("last_scan_status", s => s.LastScanStatus),
        Col.Texts<ShipmentSummary>("open_exceptions", s => s.OpenExceptions),
        Col.Int<ShipmentSummary>("exception_count", s => s.ExceptionCount),
        Col.Text<ShipmentSummary>("last_exception_note", s => s.LastExceptionNote),
        Col.Time<ShipmentSummary>("created_at", s => s.CreatedAt),
        Col.Time<ShipmentSummary>("picked_at", s => s.PickedAt),
        Col.Time<ShipmentSummary>("packed_at", s => s.PackedAt),
        Col.Time<ShipmentSummary>("handed_over_at", s => s.HandedOverAt),
        Col.Time<ShipmentSummary>("last_scan_at", s => s.LastScanAt),
        Col.Time<ShipmentSummary>("last_movement_at", s => s.LastMovementAt),
        Col.Time<ShipmentSummary>("delivered_at", s => s.DeliveredAt),
        Col.Time<ShipmentSummary>("intercepted_at", s => s.InterceptedAt),
        Col.Time<ShipmentSummary>("returned_at", s => s.ReturnedAt),
        Col.Time<ShipmentSummary>("last_exception_at", s => s.LastExceptionAt),
        Col.Time<ShipmentSummary>("updated_at", s => s.UpdatedAt));
}

/// <summary>Reads <c>rm.shipments</c>.</summary>
public sealed class ShipmentQueries(NpgsqlDataSource dataSource, string viewSchema = ProjectionOptions.DefaultViewSchema)
    : ViewQueries(dataSource, viewSchema)
{
    private static readonly string Columns = ShipmentsProjection.Rows.SelectList;

    public Task<ShipmentSummary?> GetAsync(string shipmentId, CancellationToken cancellationToken = default) =>
        ReadModelQuery.SingleOrDefaultAsync(
            DataSource, $"SELECT {Columns} FROM {Views}.shipments WHERE shipment_id = @shipmentId", new { shipmentId },
            ShipmentsProjection.Rows.Read, cancellationToken);

    public Task<List<ShipmentSummary>> ListForOrderAsync(string orderId, CancellationToken cancellationToken = default) =>
        ReadModelQuery.ListAsync(
            DataSource, $"SELECT {Columns} FROM {Views}.shipments WHERE order_id = @orderId ORDER BY created_at, shipment_id", new { orderId },
            ShipmentsProjection.Rows.Read, cancellationToken);

    /// <summary>The orders of the given stores (null: every store) with a parcel of this tracking number (case ignored).</summary>
    public Task<List<string>> OrdersTrackedAsAsync(IReadOnlyCollection<string>? storeIds, string trackingNumber, CancellationToken cancellationToken = default) =>
        ReadModelQuery.ListAsync(
            DataSource,
            $"""
            SELECT DISTINCT order_id FROM {Views}.shipments
            WHERE tracking_number IS NOT NULL AND lower(tracking_number) = lower(@trackingNumber)
              AND {(storeIds is null ? "TRUE" : "store_id = ANY(@storeIds)")}
            ORDER BY order_id LIMIT @limit
            """,
            new { trackingNumber, storeIds = storeIds is null ? [] : ReadModelQuery.Array(storeIds), limit = ReadModelPage.MaxSize },
            r => r.Text(0),
            cancellationToken);

    /// <summary>Parcels with open exceptions, most recent exception first.</summary>
    public Task<List<ShipmentSummary>> ListWithOpenExceptionsAsync(
        IReadOnlyCollection<string> storeIds, int limit = 100, CancellationToken cancellationToken = default) =>
        ReadModelQuery.ListAsync(
            DataSource,
            $"""
            SELECT {Columns} FROM {Views}.shipments
            WHERE store_id = ANY(@storeIds) AND open_exceptions <> '[]'::jsonb
            ORDER BY last_exception_at DESC, shipment_id LIMIT @limit
            """,
            new { storeIds = ReadModelQuery.Array(storeIds), limit = ReadModelQuery.Clamp(limit) },
            ShipmentsProjection.Rows.Read,
            cancellationToken);

    /// <summary>
    /// Stuck parcels: with the carrier (not delivered, not returned) and no scan for longer than
    /// <paramref name="stuckAfter"/> at <paramref name="now"/>; longest silence first.
    /// </summary>
    public async Task<List<StuckShipment>> ListStuckAsync(
        IReadOnlyCollection<string> storeIds, DateTimeOffset now, TimeSpan stuckAfter, int limit = 100, CancellationToken cancellationToken = default)
    {
        var rows = await ReadModelQuery.ListAsync(
            DataSource,
            $"""
            SELECT {Columns} FROM {Views}.shipments
            WHERE store_id = ANY(@storeIds) AND status = 'handed_to_carrier' AND last_movement_at < @before
            ORDER BY last_movement_at, shipment_id LIMIT @limit
            """,
            new { storeIds = ReadModelQuery.Array(storeIds), before = ReadModelQuery.Utc(now - stuckAfter), limit = ReadModelQuery.Clamp(limit) },
            ShipmentsProjection.Rows.Read,
            cancellationToken);
        return [.. rows.Select(s => new StuckShipment(s, now - s.LastMovementAt!.Value))];
    }

    /// <summary>
    /// How many parcels of a store (null: every store) have open exceptions, and how many are stuck at <paramref name="now"/>
    /// (as <see cref="ListStuckAsync"/>): two counts, each over its partial index, not over every parcel. Null while the
    /// read model is not built in this database.
    /// </summary>
    public Task<(long OpenExceptions, long Stuck)?> CountExceptionsAndStuckAsync(
        string? storeId, DateTimeOffset now, TimeSpan stuckAfter, CancellationToken cancellationToken = default) =>
        ReadModelQuery.ScalarIfBuiltAsync(
            DataSource, CountExceptionsAndStuckSql(storeId), new { store = storeId ?? "", before = ReadModelQuery.Utc(now - stuckAfter) },
            r => (r.GetInt64(0), r.GetInt64(1)), cancellationToken);

    /// <summary><see cref="CountExceptionsAndStuckAsync"/> as a statement of <paramref name="batch"/> (the caller knows the view exists: <see cref="View"/>).</summary>
    public Func<(long OpenExceptions, long Stuck)> AddCountExceptionsAndStuck(QueryBatch batch, string? storeId, DateTimeOffset now, TimeSpan stuckAfter)
    {
        var rows = batch.Add(
            CountExceptionsAndStuckSql(storeId), new { store = storeId ?? "", before = ReadModelQuery.Utc(now - stuckAfter) }, r => (r.GetInt64(0), r.GetInt64(1)),
            QueryBatch.Plan.Generic);
        return () => rows().Single();
    }

    /// <summary>The view the counts read.</summary>
    public string View => $"{Views}.shipments";

    private string CountExceptionsAndStuckSql(string? storeId) => $"""
        SELECT (SELECT count(*) FROM {Views}.shipments WHERE {ReadModelQuery.StoreIs(storeId)} AND open_exceptions <> '[]'::jsonb),
               (SELECT count(*) FROM {Views}.shipments WHERE {ReadModelQuery.StoreIs(storeId)} AND status = 'handed_to_carrier' AND last_movement_at < @before)
        """;
}
