using OrderLedger.Domain;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Metrics.Infrastructure;
using OrderLedger.Projections;
using OrderLedger.Projections.Sql;

namespace OrderLedger.Metrics;

/// <summary>
/// The sales each sharer (分享员) and promoter (达人) brought a store, for <see cref="SharerSalesQueries"/>
/// (docs/metrics.md, "Sales per sharer"). Only attributed orders are kept:
/// <list type="bullet">
/// <item><c>metric_sharer_orders</c>: one row per attributed order: sharer, sharer type, promoter, placed (time and
/// store-local day), paid (time, day, amount).</item>
/// <item><c>metric_sharer_refunds</c>: one row per refund paid back on an attributed order (time, day, amount).</item>
/// <item><c>metric_sharer_stores</c>: each store's time zone, from its policy events.</item>
/// </list>
/// An attribution is recorded in the same append as its placement and before any payment, so a payment or a refund
/// always finds its order's row when the order was attributed.
/// </summary>
public sealed class SharerSalesProjection : IProjection
{
    public const string StoresTable = "metric_sharer_stores";
    public const string OrdersTable = "metric_sharer_orders";
    public const string RefundsTable = "metric_sharer_refunds";

    private static readonly StoreCalendars Calendars = new(StoresTable);

    public string Name => "metric_sharers";

    public int Version => 1;

    public IReadOnlySet<string> EventTypes { get; } = DomainEventTypes.NamesOf([
        .. StoreCalendars.Events, typeof(OrderAttributed), typeof(OrderPaymentConfirmed), typeof(RefundPaid)]);

    public IReadOnlyList<string> Tables { get; } = [StoresTable, OrdersTable, RefundsTable];

    public string CreateTablesSql(string schema) => Calendars.CreateTableSql(schema) + $"""

        CREATE TABLE {schema}.{OrdersTable} (
            order_id     text PRIMARY KEY,
            store_id     text NOT NULL,
            sharer_id    text,
            sharer_type  text,
            promoter_id  text,
            placed_at    timestamptz NOT NULL,
            placed_day   date NOT NULL,
            paid_at      timestamptz,
            paid_day     date,
            paid_amount  numeric NOT NULL
        );
        CREATE INDEX ON {schema}.{OrdersTable} (store_id, sharer_id);
        CREATE INDEX ON {schema}.{OrdersTable} (store_id, promoter_id);
        CREATE TABLE {schema}.{RefundsTable} (
            refund_id  text PRIMARY KEY,
            order_id   text NOT NULL,
            store_id   text NOT NULL,
            paid_at    timestamptz NOT NULL,
            paid_day   date NOT NULL,
            amount     numeric NOT NULL
        );
        CREATE INDEX ON {schema}.{RefundsTable} (order_id);
        """;

    public async Task ApplyAsync(IReadOnlyList<DecodedEvent> batch, ProjectionContext context, CancellationToken cancellationToken)
    {
        var orderIds = batch.Select(e => e.Event switch
            {
                OrderEvent o => o.OrderId,
                RefundPaid r => r.OrderId,
                _ => null,
            })
            .OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        var orders = orderIds.Length == 0 ? [] : (await Orders.LoadByIdsAsync(context, orderIds, cancellationToken))
            .ToDictionary(o => o.OrderId, StringComparer.Ordinal);
        var storeIds = batch.Select(e => e.Event is IStoreScoped scoped ? scoped.StoreId : null).OfType<string>().Concat(orders.Values.Select(o => o.StoreId));
        var calendars = await Calendars.LoadAsync(context, storeIds, cancellationToken);

        var changedOrders = new Dictionary<string, AttributedOrder>(StringComparer.Ordinal);
        var refunds = new List<AttributedRefund>();
        foreach (var e in batch)
        {
            var at = e.OccurredAt();
            switch (e.Event)
            {
                case var store when StoreCalendars.StoreIdOf(store) is { } storeId:
                    calendars.Apply(storeId, store, at);
                    break;
                case OrderAttributed a when !orders.ContainsKey(a.OrderId):
                    changedOrders[a.OrderId] = orders[a.OrderId] = new AttributedOrder
                    {
                        OrderId = a.OrderId, StoreId = a.StoreId, SharerId = a.SharerId, SharerType = a.SharerType, PromoterId = a.PromoterId,
                        PlacedAt = at, PlacedDay = calendars.At(a.StoreId, at).LocalDay(at),
                    };
                    break;
                case OrderPaymentConfirmed p when orders.TryGetValue(p.OrderId, out var o) && o.PaidAt is null:
                    o.PaidAt = at;
                    o.PaidDay = calendars.At(o.StoreId, at).LocalDay(at);
                    o.PaidAmount = p.Amount;
                    changedOrders[o.OrderId] = o;
                    break;
                case RefundPaid r when orders.TryGetValue(r.OrderId, out var o):
                    refunds.Add(new AttributedRefund(r.RefundId, r.OrderId, o.StoreId, at, calendars.At(o.StoreId, at).LocalDay(at), r.Amount));
                    break;
            }
        }

        await calendars.SaveAsync(context, cancellationToken);
        await Orders.UpsertAsync(context, changedOrders.Values, cancellationToken);
        await Refunds.UpsertAsync(context, refunds, cancellationToken);
    }

    internal sealed class AttributedOrder
    {
        public required string OrderId { get; init; }
        public required string StoreId { get; init; }
        public string? SharerId { get; init; }
        public string? SharerType { get; init; }
        public string? PromoterId { get; init; }
        public DateTimeOffset PlacedAt { get; init; }
        public DateOnly PlacedDay { get; init; }
        public DateTimeOffset? PaidAt { get; set; }
        public DateOnly? PaidDay { get; set; }
        public decimal PaidAmount { get; set; }
    }

    internal sealed record AttributedRefund(string RefundId, string OrderId, string StoreId, DateTimeOffset PaidAt, DateOnly PaidDay, decimal Amount);

    private static readonly RowTable<AttributedOrder> Orders = new(
        OrdersTable,
        keyCount: 1,
        r => new AttributedOrder
        {
            OrderId = r.Text(0), StoreId = r.Text(1), SharerId = r.TextN(2), SharerType = r.TextN(3), PromoterId = r.TextN(4),
            PlacedAt = r.Time(5), PlacedDay = r.DayN(6)!.Value, PaidAt = r.TimeN(7), PaidDay = r.DayN(8), PaidAmount = r.Money(9),
        },
        Col.Text<AttributedOrder>("order_id", o => o.OrderId),
        Col.Text<AttributedOrder>("store_id", o => o.StoreId),
        Col.Text<AttributedOrder>("sharer_id", o => o.SharerId),
        Col.Text<AttributedOrder>("sharer_type", o => o.SharerType),
        Col.Text<AttributedOrder>("promoter_id", o => o.PromoterId),
        Col.Time<AttributedOrder>("placed_at", o => o.PlacedAt),
        Col.Day<AttributedOrder>("placed_day", o => o.PlacedDay),
        Col.Time<AttributedOrder>("paid_at", o => o.PaidAt),
        Col.Day<AttributedOrder>("paid_day", o => o.PaidDay),
        Col.Money<AttributedOrder>("paid_amount", o => o.PaidAmount));

    private static readonly RowTable<AttributedRefund> Refunds = new(
        RefundsTable,
        keyCount: 1,
        r => new AttributedRefund(r.Text(0), r.Text(1), r.Text(2), r.Time(3), r.DayN(4)!.Value, r.Money(5)),
        Col.Text<AttributedRefund>("refund_id", x => x.RefundId),
        Col.Text<AttributedRefund>("order_id", x => x.OrderId),
        Col.Text<AttributedRefund>("store_id", x => x.StoreId),
        Col.Time<AttributedRefund>("paid_at", x => x.PaidAt),
        Col.Day<AttributedRefund>("paid_day", x => x.PaidDay),
        Col.Money<AttributedRefund>("amount", x => x.Amount));
}
