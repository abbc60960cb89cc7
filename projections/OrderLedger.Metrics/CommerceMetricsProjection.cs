using OrderLedger.Domain;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Shipments;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Metrics.Infrastructure;
using OrderLedger.Projections;
using OrderLedger.Projections.Sql;

namespace OrderLedger.Metrics;

/// <summary>
/// Order, parcel and refund facts for the §5 metrics and the order-flow figures, each with the store-local day it
/// happened on; <see cref="ServiceMetricsQueries"/> computes the figures over them.
/// <list type="bullet">
/// <item><c>metric_orders</c>: placed / paid / cancelled (time and local day) per order.</item>
/// <item><c>metric_shipments</c>: handed to the carrier / delivered (time and local day) per parcel.</item>
/// <item><c>metric_refunds</c>: kind, requested, approved (and whether by the store's rule), paid (time and local day).</item>
/// <item><c>metric_disputes</c>: one row per judged dispute: when, and whether the merchant was at fault.</item>
/// <item><c>metric_commerce_stores</c>: each store's time zone, from its policy events.</item>
/// <item><c>metric_commerce_hourly</c>: per store, local day and UTC hour, how many orders were placed / paid / cancelled,
/// parcels handed over / delivered, disputes judged merchant at fault (the counts of the rows above, maintained with them).</item>
/// </list>
/// </summary>
public sealed class CommerceMetricsProjection : IProjection
{
    public const string StoresTable = "metric_commerce_stores";
    public const string OrdersTable = "metric_orders";
    public const string ShipmentsTable = "metric_shipments";
    public const string RefundsTable = "metric_refunds";
    public const string DisputesTable = "metric_disputes";
    public const string HourlyTable = "metric_commerce_hourly";

    /// <summary>The facts counted in <see cref="HourlyTable"/>.</summary>
    public static class Facts
    {
        public const string Placed = "placed";
        public const string Paid = "paid";
        public const string Cancelled = "cancelled";
        public const string Shipped = "shipped";
        public const string Delivered = "delivered";
        public const string DisputeAtFault = "dispute_at_fault";
    }

    private static readonly StoreCalendars Calendars = new(StoresTable);
    private static readonly HourlyCounts Hourly = new(HourlyTable);

    public string Name => "metric_commerce";

    /// <summary>
    /// 2: hourly counts (<see cref="HourlyTable"/>) and indexes on the fact times for the dashboard.
    /// 3: store policies kept as a history by business time (<see cref="StoresTable"/>, one row per policy event).
    /// </summary>
    public int Version => 3;

    public IReadOnlySet<string> EventTypes { get; } = DomainEventTypes.NamesOf([
        .. StoreCalendars.Events,
        typeof(OrderPlaced), typeof(OrderPaymentConfirmed), typeof(OrderCancelled),
        typeof(ShipmentCreated), typeof(ShipmentHandedToCarrier), typeof(ShipmentDelivered),
        typeof(RefundRequested), typeof(RefundApproved), typeof(RefundPaid), typeof(RefundDisputeJudged)]);

    public IReadOnlyList<string> Tables { get; } = [StoresTable, OrdersTable, ShipmentsTable, RefundsTable, DisputesTable, HourlyTable];

    /// <summary>The counts, rewritten by every batch that adds to them: compacted before a build goes live.</summary>
    public IReadOnlyList<string> CompactedTables { get; } = [HourlyTable];

    public string CreateTablesSql(string schema) => Calendars.CreateTableSql(schema) + $"""

        CREATE TABLE {schema}.{OrdersTable} (
            order_id       text PRIMARY KEY,
            store_id       text NOT NULL,
            placed_at      timestamptz NOT NULL,
            placed_day     date NOT NULL,
            paid_at        timestamptz,
            paid_day       date,
            cancelled_at   timestamptz,
            cancelled_day  date
        );
        CREATE INDEX ON {schema}.{OrdersTable} (store_id, placed_day);
        CREATE INDEX ON {schema}.{OrdersTable} (store_id, paid_day) WHERE paid_at IS NOT NULL;
        CREATE INDEX ON {schema}.{OrdersTable} (store_id, paid_at) WHERE paid_at IS NOT NULL;
        CREATE INDEX ON {schema}.{OrdersTable} (store_id, placed_at);
        CREATE INDEX ON {schema}.{OrdersTable} (store_id, cancelled_at) WHERE cancelled_at IS NOT NULL;
        CREATE TABLE {schema}.{ShipmentsTable} (
            shipment_id     text PRIMARY KEY,
            store_id        text NOT NULL,
            order_id        text NOT NULL,
            handed_over_at  timestamptz,
            handed_over_day date,
            delivered_at    timestamptz,
            delivered_day   date
        );
        CREATE INDEX ON {schema}.{ShipmentsTable} (store_id, handed_over_day);
        CREATE INDEX ON {schema}.{ShipmentsTable} (store_id, delivered_day);
        CREATE INDEX ON {schema}.{ShipmentsTable} (store_id, handed_over_at) WHERE handed_over_at IS NOT NULL;
        CREATE INDEX ON {schema}.{ShipmentsTable} (store_id, delivered_at) WHERE delivered_at IS NOT NULL;
        CREATE TABLE {schema}.{RefundsTable} (
            refund_id         text PRIMARY KEY,
            store_id          text NOT NULL,
            order_id          text NOT NULL,
            kind              text NOT NULL,
            requested_at      timestamptz NOT NULL,
            approved_at       timestamptz,
            approved_by_rule  boolean NOT NULL,
            paid_at           timestamptz,
            paid_day          date,
            disputes_judged   integer NOT NULL
        );
        CREATE INDEX ON {schema}.{RefundsTable} (store_id, paid_day) WHERE paid_at IS NOT NULL;
        CREATE INDEX ON {schema}.{RefundsTable} (store_id, paid_at) WHERE paid_at IS NOT NULL;
        CREATE TABLE {schema}.{DisputesTable} (
            refund_id          text NOT NULL,
            seq                integer NOT NULL,
            store_id           text NOT NULL,
            order_id           text NOT NULL,
            judged_at          timestamptz NOT NULL,
            judged_day         date NOT NULL,
            merchant_at_fault  boolean NOT NULL,
            PRIMARY KEY (refund_id, seq)
        );
        CREATE INDEX ON {schema}.{DisputesTable} (store_id, judged_day);
        CREATE INDEX ON {schema}.{DisputesTable} (store_id, judged_at);
        """ + Hourly.CreateTableSql(schema);

    public async Task ApplyAsync(IReadOnlyList<DecodedEvent> batch, ProjectionContext context, CancellationToken cancellationToken)
    {
        var orderIds = Ids(batch, e => e is OrderEvent o ? o.OrderId : null);
        var shipmentIds = Ids(batch, e => e is ShipmentEvent s ? s.ShipmentId : null);
        var refundIds = Ids(batch, e => e is RefundEvent r ? r.RefundId : null);
        var orders = orderIds.Length == 0 ? [] : (await Orders.LoadByIdsAsync(context, orderIds, cancellationToken))
            .ToDictionary(o => o.OrderId, StringComparer.Ordinal);
        var shipments = shipmentIds.Length == 0 ? [] : (await Shipments.LoadByIdsAsync(context, shipmentIds, cancellationToken))
            .ToDictionary(s => s.ShipmentId, StringComparer.Ordinal);
        var refunds = refundIds.Length == 0 ? [] : (await Refunds.LoadByIdsAsync(context, refundIds, cancellationToken))
            .ToDictionary(r => r.RefundId, StringComparer.Ordinal);
        var storeIds = batch.Select(e => e.Event is IStoreScoped scoped ? scoped.StoreId : null)
            .OfType<string>()
            .Concat(orders.Values.Select(o => o.StoreId))
            .Concat(shipments.Values.Select(s => s.StoreId))
            .Concat(refunds.Values.Select(r => r.StoreId));
        var calendars = await Calendars.LoadAsync(context, storeIds, cancellationToken);

        var changedOrders = new Dictionary<string, OrderFacts>(StringComparer.Ordinal);
        var changedShipments = new Dictionary<string, ShipmentFacts>(StringComparer.Ordinal);
        var changedRefunds = new Dictionary<string, RefundFacts>(StringComparer.Ordinal);
        var disputes = new List<DisputeFacts>();
        var counts = Hourly.NewBatch();
        foreach (var e in batch)
        {
            var at = e.OccurredAt();
            switch (e.Event)
            {
                case var store when StoreCalendars.StoreIdOf(store) is { } storeId:
                    calendars.Apply(storeId, store, at);
                    break;

                case OrderPlaced p when !orders.ContainsKey(p.OrderId):
                    changedOrders[p.OrderId] = orders[p.OrderId] = new OrderFacts { OrderId = p.OrderId, StoreId = p.StoreId, PlacedAt = at, PlacedDay = calendars.At(p.StoreId, at).LocalDay(at) };
                    counts.Add(p.StoreId, Facts.Placed, orders[p.OrderId].PlacedDay, at);
                    break;
                case OrderPaymentConfirmed p when orders.TryGetValue(p.OrderId, out var o) && o.PaidAt is null:
                    o.PaidAt = at;
                    o.PaidDay = calendars.At(o.StoreId, at).LocalDay(at);
                    changedOrders[o.OrderId] = o;
                    counts.Add(o.StoreId, Facts.Paid, o.PaidDay.Value, at);
                    break;
                case OrderCancelled c when orders.TryGetValue(c.OrderId, out var o) && o.CancelledAt is null:
                    o.CancelledAt = at;
                    o.CancelledDay = calendars.At(o.StoreId, at).LocalDay(at);
                    changedOrders[o.OrderId] = o;
                    counts.Add(o.StoreId, Facts.Cancelled, o.CancelledDay.Value, at);
                    break;

                case ShipmentCreated c when !shipments.ContainsKey(c.ShipmentId):
                    changedShipments[c.ShipmentId] = shipments[c.ShipmentId] = new ShipmentFacts { ShipmentId = c.ShipmentId, StoreId = c.StoreId, OrderId = c.OrderId };
                    break;
                case ShipmentHandedToCarrier h when shipments.TryGetValue(h.ShipmentId, out var s) && s.HandedOverAt is null:
                    s.HandedOverAt = at;
                    s.HandedOverDay = calendars.At(s.StoreId, at).LocalDay(at);
                    changedShipments[s.ShipmentId] = s;
                    counts.Add(s.StoreId, Facts.Shipped, s.HandedOverDay.Value, at);
                    break;
                case ShipmentDelivered d when shipments.TryGetValue(d.ShipmentId, out var s) && s.DeliveredAt is null:
                    s.DeliveredAt = at;
                    s.DeliveredDay = calendars.At(s.StoreId, at).LocalDay(at);
                    changedShipments[s.ShipmentId] = s;
                    counts.Add(s.StoreId, Facts.Delivered, s.DeliveredDay.Value, at);
                    break;

                case RefundRequested r when !refunds.ContainsKey(r.RefundId):
                    changedRefunds[r.RefundId] = refunds[r.RefundId] = new RefundFacts
                    {
                        RefundId = r.RefundId, StoreId = r.StoreId, OrderId = r.OrderId, Kind = r.Kind.Snake(), RequestedAt = at,
                    };
                    break;
                case RefundApproved a when refunds.TryGetValue(a.RefundId, out var r) && r.ApprovedAt is null:
                    r.ApprovedAt = at;
                    r.ApprovedByRule = a.ByRule;
                    changedRefunds[r.RefundId] = r;
                    break;
                case RefundPaid p when refunds.TryGetValue(p.RefundId, out var r) && r.PaidAt is null:
                    r.PaidAt = at;
                    r.PaidDay = calendars.At(r.StoreId, at).LocalDay(at);
                    changedRefunds[r.RefundId] = r;
                    break;
                case RefundDisputeJudged j when refunds.TryGetValue(j.RefundId, out var r):
                    r.DisputesJudged++;
                    disputes.Add(new DisputeFacts(r.RefundId, r.DisputesJudged, r.StoreId, j.OrderId, at, calendars.At(r.StoreId, at).LocalDay(at), j.MerchantAtFault));
                    if (j.MerchantAtFault)
                    {
                        counts.Add(r.StoreId, Facts.DisputeAtFault, disputes[^1].JudgedDay, at);
                    }

                    changedRefunds[r.RefundId] = r;
                    break;
            }
        }

        await calendars.SaveAsync(context, cancellationToken);
        await Orders.UpsertAsync(context, changedOrders.Values, cancellationToken);
        await Shipments.UpsertAsync(context, changedShipments.Values, cancellationToken);
        await Refunds.UpsertAsync(context, changedRefunds.Values, cancellationToken);
        await Disputes.UpsertAsync(context, disputes, cancellationToken);
        await counts.SaveAsync(context, cancellationToken);
    }

    private static string[] Ids(IReadOnlyList<DecodedEvent> batch, Func<object, string?> id) =>
        batch.Select(e => id(e.Event)).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();

    internal sealed class OrderFacts
    {
        public required string OrderId { get; init; }
        public required string StoreId { get; init; }
        public DateTimeOffset PlacedAt { get; init; }
        public DateOnly PlacedDay { get; init; }
        public DateTimeOffset? PaidAt { get; set; }
        public DateOnly? PaidDay { get; set; }
        public DateTimeOffset? CancelledAt { get; set; }
        public DateOnly? CancelledDay { get; set; }
    }

    internal sealed class ShipmentFacts
    {
        public required string ShipmentId { get; init; }
        public required string StoreId { get; init; }
        public required string OrderId { get; init; }
        public DateTimeOffset? HandedOverAt { get; set; }
        public DateOnly? HandedOverDay { get; set; }
        public DateTimeOffset? DeliveredAt { get; set; }
        public DateOnly? DeliveredDay { get; set; }
    }

    internal sealed class RefundFacts
    {
        public required string RefundId { get; init; }
        public required string StoreId { get; init; }
        public required string OrderId { get; init; }
        public required string Kind { get; init; }
        public DateTimeOffset RequestedAt { get; init; }
        public DateTimeOffset? ApprovedAt { get; set; }
        public bool ApprovedByRule { get; set; }
        public DateTimeOffset? PaidAt { get; set; }
        public DateOnly? PaidDay { get; set; }
        public int DisputesJudged { get; set; }
    }

    internal sealed record DisputeFacts(string RefundId, int Seq, string StoreId, string OrderId, DateTimeOffset JudgedAt, DateOnly JudgedDay, bool MerchantAtFault);

    private static readonly RowTable<OrderFacts> Orders = new(
        OrdersTable,
        keyCount: 1,
        r => new OrderFacts
        {
            OrderId = r.Text(0), StoreId = r.Text(1), PlacedAt = r.Time(2), PlacedDay = r.DayN(3)!.Value, PaidAt = r.TimeN(4), PaidDay = r.DayN(5),
            CancelledAt = r.TimeN(6), CancelledDay = r.DayN(7),
        },
        Col.Text<OrderFacts>("order_id", o => o.OrderId),
        Col.Text<OrderFacts>("store_id", o => o.StoreId),
        Col.Time<OrderFacts>("placed_at", o => o.PlacedAt),
        Col.Day<OrderFacts>("placed_day", o => o.PlacedDay),
        Col.Time<OrderFacts>("paid_at", o => o.PaidAt),
        Col.Day<OrderFacts>("paid_day", o => o.PaidDay),
        Col.Time<OrderFacts>("cancelled_at", o => o.CancelledAt),
        Col.Day<OrderFacts>("cancelled_day", o => o.CancelledDay));

    private static readonly RowTable<ShipmentFacts> Shipments = new(
        ShipmentsTable,
        keyCount: 1,
        r => new ShipmentFacts
        {
            ShipmentId = r.Text(0), StoreId = r.Text(1), OrderId = r.Text(2), HandedOverAt = r.TimeN(3), HandedOverDay = r.DayN(4),
            DeliveredAt = r.TimeN(5), DeliveredDay = r.DayN(6),
        },
        Col.Text<ShipmentFacts>("shipment_id", s => s.ShipmentId),
        Col.Text<ShipmentFacts>("store_id", s => s.StoreId),
        Col.Text<ShipmentFacts>("order_id", s => s.OrderId),
        Col.Time<ShipmentFacts>("handed_over_at", s => s.HandedOverAt),
        Col.Day<ShipmentFacts>("handed_over_day", s => s.HandedOverDay),
        Col.Time<ShipmentFacts>("delivered_at", s => s.DeliveredAt),
        Col.Day<ShipmentFacts>("delivered_day", s => s.DeliveredDay));

    private static readonly RowTable<RefundFacts> Refunds = new(
        RefundsTable,
        keyCount: 1,
        r => new RefundFacts
        {
            RefundId = r.Text(0), StoreId = r.Text(1), OrderId = r.Text(2), Kind = r.Text(3), RequestedAt = r.Time(4), ApprovedAt = r.TimeN(5),
            ApprovedByRule = r.Bool(6), PaidAt = r.TimeN(7), PaidDay = r.DayN(8), DisputesJudged = r.Int(9),
        },
        Col.Text<RefundFacts>("refund_id", x => x.RefundId),
        Col.Text<RefundFacts>("store_id", x => x.StoreId),
        Col.Text<RefundFacts>("order_id", x => x.OrderId),
        Col.Text<RefundFacts>("kind", x => x.Kind),
        Col.Time<RefundFacts>("requested_at", x => x.RequestedAt),
        Col.Time<RefundFacts>("approved_at", x => x.ApprovedAt),
        Col.Bool<RefundFacts>("approved_by_rule", x => x.ApprovedByRule),
        Col.Time<RefundFacts>("paid_at", x => x.PaidAt),
        Col.Day<RefundFacts>("paid_day", x => x.PaidDay),
        Col.Int<RefundFacts>("disputes_judged", x => x.DisputesJudged));

    private static readonly RowTable<DisputeFacts> Disputes = new(
        DisputesTable,
        keyCount: 2,
        r => new DisputeFacts(r.Text(0), r.Int(1), r.Text(2), r.Text(3), r.Time(4), r.DayN(5)!.Value, r.Bool(6)),
        Col.Text<DisputeFacts>("refund_id", x => x.RefundId),
        Col.Int<DisputeFacts>("seq", x => x.Seq),
        Col.Text<DisputeFacts>("store_id", x => x.StoreId),
        Col.Text<DisputeFacts>("order_id", x => x.OrderId),
        Col.Time<DisputeFacts>("judged_at", x => x.JudgedAt),
        Col.Day<DisputeFacts>("judged_day", x => x.JudgedDay),
        Col.Bool<DisputeFacts>("merchant_at_fault", x => x.MerchantAtFault));
}
