using Npgsql;
using OrderLedger.Domain;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Shipments;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Projections;
using OrderLedger.Projections.Runtime;
using OrderLedger.Projections.Sql;
using OrderLedger.ReadModels.Infrastructure;

namespace OrderLedger.ReadModels;

/// <summary>
/// One row of <c>orders</c>: an order's summary and state. <see cref="Status"/>: awaiting_payment, paid, cancelled,
/// rejected, completed. <see cref="ShipmentStatus"/>: none, preparing, in_transit, partially_delivered, delivered,
/// returned, intercepted (derived from the order's shipments). <see cref="Phone"/>: the shipping address's phone, digits
/// only (<see cref="OrdersProjection.PhoneDigits"/>), for the agents' phone lookup.
/// </summary>
public sealed record OrderSummary(
    string OrderId,
    string StoreId,
    string CustomerId,
    string Status,
    string? Channel,
    string? Currency,
    int ItemCount,
    decimal Total,
    decimal Paid,
    decimal RefundClaimed,
    decimal Refunded,
    int PaymentFailures,
    string? CancelReason,
    string ShipmentStatus,
    int Shipments,
    int ShipmentsHandedOver,
    int ShipmentsDelivered,
    int ShipmentsReturned,
    int ShipmentsIntercepted,
    DateTimeOffset? PlacedAt,
    DateTimeOffset? RejectedAt,
    DateTimeOffset? PaidAt,
    DateTimeOffset? CancelledAt,
    DateTimeOffset? FirstHandedOverAt,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset? CompletedAt,
    DateTimeOffset? LastRefundPaidAt,
    DateTimeOffset UpdatedAt,
    string? Phone = null);

/// <summary>
/// <c>orders</c>: one row per order, from the order's own stream plus the shipment and refund facts that name it
/// (shipment created / handed to carrier / delivered / intercepted / returned, refund paid).
/// </summary>
public sealed class OrdersProjection : IProjection
{
    public const string Table = "orders";

    public string Name => "orders";

    // 2: the shipping address's phone (digits only), indexed per store for the agents' phone lookup.
    public int Version => 2;

    public IReadOnlySet<string> EventTypes { get; } = DomainEventTypes.NamesOf(
        typeof(OrderPlaced), typeof(OrderRejected), typeof(OrderPaymentConfirmed), typeof(OrderPaymentFailed), typeof(OrderCancelled),
        typeof(OrderCompleted), typeof(OrderRefundClaimed), typeof(OrderRefundClaimReleased),
        typeof(ShipmentCreated), typeof(ShipmentHandedToCarrier), typeof(ShipmentDelivered), typeof(ShipmentIntercepted), typeof(ShipmentReturnedToSender),
        typeof(RefundPaid));

    public IReadOnlyList<string> Tables { get; } = [Table];

    public string CreateTablesSql(string schema) => $"""
        CREATE TABLE {schema}.orders (
            order_id               text PRIMARY KEY,
            store_id               text NOT NULL,
            customer_id            text NOT NULL,
            status                 text NOT NULL,
            channel                text,
            currency               text,
            item_count             integer NOT NULL,
            total                  numeric NOT NULL,
            paid                   numeric NOT NULL,
            refund_claimed         numeric NOT NULL,
            refunded               numeric NOT NULL,
            payment_failures       integer NOT NULL,
            cancel_reason          text,
            shipment_status        text NOT NULL,
            shipments              integer NOT NULL,
            shipments_handed_over  integer NOT NULL,
            shipments_delivered    integer NOT NULL,
            shipments_returned     integer NOT NULL,
            shipments_intercepted  integer NOT NULL,
            placed_at              timestamptz,
            rejected_at            timestamptz,
            paid_at                timestamptz,
            cancelled_at           timestamptz,
            first_handed_over_at   timestamptz,
            delivered_at           timestamptz,
            completed_at           timestamptz,
            last_refund_paid_at    timestamptz,
            updated_at             timestamptz NOT NULL,
            phone                  text
        );
        CREATE INDEX ON {schema}.orders (customer_id, placed_at DESC);
        CREATE INDEX ON {schema}.orders (store_id, status, placed_at DESC);
        CREATE INDEX ON {schema}.orders (store_id, phone) WHERE phone IS NOT NULL;
        """;

    public Task ApplyAsync(IReadOnlyList<DecodedEvent> batch, ProjectionContext context, CancellationToken cancellationToken) =>
        Rows.FoldAsync(context, batch, e => OrderIdOf(e.Event), id => [id], row => row.OrderId, Evolve, cancellationToken);

    /// <summary>The order an event is about: its own stream's, or the one a parcel or refund fact names.</summary>
    internal static string? OrderIdOf(object e) => e switch
    {
        OrderEvent x => x.OrderId,
        ShipmentCreated x => x.OrderId,
        ShipmentHandedToCarrier x => x.OrderId,
        ShipmentDelivered x => x.OrderId,
        ShipmentIntercepted x => x.OrderId,
        ShipmentReturnedToSender x => x.OrderId,
        RefundPaid x => x.OrderId,
        _ => null,
    };

    /// <summary>The row after one event; facts about an order never placed (nor rejected) change nothing.</summary>
    internal static OrderSummary? Evolve(OrderSummary? row, DecodedEvent e)
    {
        var at = e.OccurredAt();
        var next = (row, e.Event) switch
        {
            (null, OrderPlaced p) => new OrderSummary(
                p.OrderId, p.StoreId, p.CustomerId, "awaiting_payment", p.Channel, p.Currency, p.Lines.Sum(l => l.Quantity), p.Total,
                0m, 0m, 0m, 0, null, "none", 0, 0, 0, 0, 0, at, null, null, null, null, null, null, null, at, PhoneDigits(p.ShippingAddress.Phone)),
            (null, OrderRejected r) => new OrderSummary(
                r.OrderId, r.StoreId, r.CustomerId, "rejected", null, null, 0, 0m,
                0m, 0m, 0m, 0, null, "none", 0, 0, 0, 0, 0, null, at, null, null, null, null, null, null, at),
            (null, _) => null,
            (_, OrderPaymentConfirmed p) => row with { Status = "paid", Paid = p.Amount, PaidAt = at },
            (_, OrderPaymentFailed) => row with { PaymentFailures = row.PaymentFailures + 1 },
            (_, OrderCancelled c) => row with { Status = "cancelled", CancelReason = c.Reason, CancelledAt = at },
            (_, OrderCompleted) => row with { Status = "completed", CompletedAt = at },
            (_, OrderRefundClaimed c) => row with { RefundClaimed = row.RefundClaimed + c.Amount },
            (_, OrderRefundClaimReleased c) => row with { RefundClaimed = row.RefundClaimed - c.Amount },
            (_, RefundPaid p) => row with { Refunded = row.Refunded + p.Amount, LastRefundPaidAt = at },
            (_, ShipmentCreated) => row with { Shipments = row.Shipments + 1 },
            (_, ShipmentHandedToCarrier) => row with { ShipmentsHandedOver = row.ShipmentsHandedOver + 1, FirstHandedOverAt = row.FirstHandedOverAt ?? at },
            (_, ShipmentDelivered) => row with { ShipmentsDelivered = row.ShipmentsDelivered + 1 },
            (_, ShipmentIntercepted) => row with { ShipmentsIntercepted = row.ShipmentsIntercepted + 1 },
            (_, ShipmentReturnedToSender) => row with { ShipmentsReturned = row.ShipmentsReturned + 1 },
            _ => row,
        };

        if (next is null || ReferenceEquals(next, row))
        {
            return next;
        }

        var shipmentStatus = ShipmentStatusOf(next);
        return next with
        {
            ShipmentStatus = shipmentStatus,
            DeliveredAt = shipmentStatus == "delivered" ? next.DeliveredAt ?? at : null,
            UpdatedAt = at,
        };
    }

    /// <summary>
    /// A phone number as the lookup compares it: its digits only (<c>+86 138-0013-8000</c> → <c>8613800138000</c>); null
    /// when it has none.
    /// </summary>
    public static string? PhoneDigits(string? phone)
    {
        var digits = phone is null ? "" : string.Concat(phone.Where(char.IsAsciiDigit));
        return digits.Length == 0 ? null : digits;
    }

    /// <summary>The order's shipping state, from its shipments (intercepted and returned parcels no longer count as going out).</summary>
    internal static string ShipmentStatusOf(OrderSummary o)
    {
        var active = o.Shipments - o.ShipmentsIntercepted - o.ShipmentsReturned;
        return o switch
        {
            { Shipments: 0 } => "none",
            _ when active <= 0 => o.ShipmentsReturned > 0 ? "returned" : "intercepted",
            _ when o.ShipmentsDelivered >= active => "delivered",
            _ when o.ShipmentsDelivered > 0 => "partially_delivered",
            _ when o.ShipmentsHandedOver - o.ShipmentsReturned > 0 => "in_transit",
            _ => "preparing",
        };
    }

    internal static readonly RowTable<OrderSummary> Rows = new(
        Table,
        keyCount: 1,
        r => new OrderSummary(
            r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.TextN(4), r.TextN(5), r.Int(6), r.Money(7), r.Money(8), r.Money(9), r.Money(10),
            r.Int(11), r.TextN(12), r.Text(13), r.Int(14), r.Int(15), r.Int(16), r.Int(17), r.Int(18),
            r.TimeN(19), r.TimeN(20), r.TimeN(21), r.TimeN(22), r.TimeN(23), r.TimeN(24), r.TimeN(25), r.TimeN(26), r.Time(27), r.TextN(28)),
        Col.Text<OrderSummary>("order_id", o => o.OrderId),
        Col.Text<OrderSummary>("store_id", o => o.StoreId),
        Col.Text<OrderSummary>("customer_id", o => o.CustomerId),
        Col.Text<OrderSummary>("status", o => o.Status),
        Col.Text<OrderSummary>("channel", o => o.Channel),
        Col.Text<OrderSummary>("currency", o => o.Currency),
        Col.Int<OrderSummary>("item_count", o => o.ItemCount),
        Col.Money<OrderSummary>("total", o => o.Total),
        Col.Money<OrderSummary>("paid", o => o.Paid),
        Col.Money<OrderSummary>("refund_claimed", o => o.RefundClaimed),
        Col.Money<OrderSummary>("refunded", o => o.Refunded),
        Col.Int<OrderSummary>("payment_failures", o => o.PaymentFailures),
        Col.Text<OrderSummary>("cancel_reason", o => o.CancelReason),
        Col.Text<OrderSummary>("shipment_status", o => o.ShipmentStatus),
        Col.Int<OrderSummary>("shipments", o => o.Shipments),
        Col.Int<OrderSummary>("shipments_handed_over", o => o.ShipmentsHandedOver),
        Col.Int<OrderSummary>("shipments_delivered", o => o.ShipmentsDelivered),
        Col.Int<OrderSummary>("shipments_returned", o => o.ShipmentsReturned),
        Col.Int<OrderSummary>("shipments_intercepted", o => o.ShipmentsIntercepted),
        Col.Time<OrderSummary>("placed_at", o => o.PlacedAt),
        Col.Time<OrderSummary>("rejected_at", o => o.RejectedAt),
        Col.Time<OrderSummary>("paid_at", o => o.PaidAt),
        Col.Time<OrderSummary>("cancelled_at", o => o.CancelledAt),
        Col.Time<OrderSummary>("first_handed_over_at", o => o.FirstHandedOverAt),
        Col.Time<OrderSummary>("delivered_at", o => o.DeliveredAt),
        Col.Time<OrderSummary>("completed_at", o => o.CompletedAt),
        Col.Time<OrderSummary>("last_refund_paid_at", o => o.LastRefundPaidAt),
        Col.Time<OrderSummary>("updated_at", o => o.UpdatedAt),
        Col.Text<OrderSummary>("phone", o => o.Phone));
}

/// <summary>Reads <c>rm.orders</c>.</summary>
public sealed class OrderQueries(NpgsqlDataSource dataSource, string viewSchema = ProjectionOptions.DefaultViewSchema)
    : ViewQueries(dataSource, viewSchema)
{
    public Task<OrderSummary?> GetOrderAsync(string orderId, CancellationToken cancellationToken = default) =>
        ReadModelQuery.SingleOrDefaultAsync(
            DataSource, $"SELECT {OrdersProjection.Rows.SelectList} FROM {Views}.orders WHERE order_id = @orderId",
            new { orderId }, OrdersProjection.Rows.Read, cancellationToken);

    /// <summary>A customer's orders in the given stores, newest first.</summary>
    public Task<List<OrderSummary>> ListForCustomerAsync(
        IReadOnlyCollection<string> storeIds, string customerId, int limit = 50, CancellationToken cancellationToken = default) =>
        ReadModelQuery.ListAsync(
            DataSource,
            $"""
            SELECT {OrdersProjection.Rows.SelectList} FROM {Views}.orders
            WHERE customer_id = @customerId AND store_id = ANY(@storeIds)
            ORDER BY coalesce(placed_at, rejected_at) DESC, order_id DESC LIMIT @limit
            """,
            new { customerId, storeIds = ReadModelQuery.Array(storeIds), limit = ReadModelQuery.Clamp(limit) },
            OrdersProjection.Rows.Read,
            cancellationToken);

    /// <summary>A store's orders, optionally in one status, newest first.</summary>
    public Task<List<OrderSummary>> ListForStoresAsync(
        IReadOnlyCollection<string> storeIds, string? status = null, int limit = 50, CancellationToken cancellationToken = default) =>
        ReadModelQuery.ListAsync(
            DataSource,
            $"""
            SELECT {OrdersProjection.Rows.SelectList} FROM {Views}.orders
            WHERE store_id = ANY(@storeIds) AND (@status::text IS NULL OR status = @status)
            ORDER BY coalesce(placed_at, rejected_at) DESC, order_id DESC LIMIT @limit
            """,
            new { storeIds = ReadModelQuery.Array(storeIds), status, limit = ReadModelQuery.Clamp(limit) },
            OrdersProjection.Rows.Read,
            cancellationToken);

    /// <summary>
    /// The customers of one store whose orders were shipped to <paramref name="phone"/> (compared as digits only), the most
    /// recent buyer first, with how many such orders each placed.
    /// </summary>
    public Task<List<CustomerMatch>> FindCustomersByPhoneAsync(
        string storeId, string phone, int limit = 50, CancellationToken cancellationToken = default) =>
        ReadModelQuery.ListAsync(
            DataSource,
            $"""
            SELECT store_id, customer_id, count(*)::int, max(coalesce(placed_at, rejected_at))
            FROM {Views}.orders
            WHERE store_id = @storeId AND phone = @digits
            GROUP BY store_id, customer_id
            ORDER BY max(coalesce(placed_at, rejected_at)) DESC NULLS LAST, customer_id LIMIT @limit
            """,
            new { storeId, digits = OrdersProjection.PhoneDigits(phone) ?? "", limit = ReadModelQuery.Clamp(limit) },
            r => new CustomerMatch(r.Text(0), r.Text(1), r.Int(2), r.TimeN(3)),
            cancellationToken);
}

/// <summary>A customer found by a lookup (phone or order number), with how many of their orders matched.</summary>
public sealed record CustomerMatch(string StoreId, string CustomerId, int MatchingOrders, DateTimeOffset? LastOrderAt);
