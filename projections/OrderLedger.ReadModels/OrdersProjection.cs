using Npgsql;
using OrderLedger.Domain;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stock;
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
/// only (<see cref="OrdersProjection.PhoneDigits"/>), for the agents' phone lookup; <see cref="ShipName"/>,
/// <see cref="ShipPhone"/> (as written) and <see cref="ShipAddress"/> (one line) are whom and where the order ships to,
/// for the buyer's profile and the name search. <see cref="Parcels"/>: each parcel as support sees it (state, current lines,
/// what amendments took out, units restocked); <see cref="UnitsRestocked"/>: every unit of the order back on hand, from
/// refused parcels and from returns that passed inspection.
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
    IReadOnlyList<OrderParcel> Parcels,
    int UnitsRestocked,
    string? Phone = null,
    string? ShipName = null,
    string? ShipPhone = null,
    string? ShipAddress = null);

/// <summary>
/// A parcel of an order as the support console shows it. <see cref="State"/>: preparing, in_transit, delivered,
/// intercepted, returned_to_sender, back_at_warehouse. <see cref="Lines"/>: what it carries now, after amendments;
/// <see cref="Removed"/>: the units amendments took out (refunded before shipping); <see cref="Restocked"/>: its units
/// back on hand after a refused delivery.
/// </summary>
public sealed record OrderParcel(
    string ShipmentId, string WarehouseId, string State, IReadOnlyList<ShipmentUnits> Lines, IReadOnlyList<ShipmentUnits> Removed, string? TrackingNumber, int Restocked);

/// <summary>
/// Which order a parcel or a refund belongs to (<see cref="Kind"/>: shipment, refund): a restock names only its source,
/// so the orders projection keeps this to find the order of a <c>stock-restocked</c>.
/// </summary>
public sealed record OrderLink(string Kind, string SourceId, string OrderId);

/// <summary>
/// <c>orders</c>: one row per order, from the order's own stream plus the shipment, refund and restock facts that name it
/// (shipment created / handed to carrier / delivered / intercepted / amended / returned / back at the warehouse, refund
/// paid, units restocked). <c>order_links</c> maps parcels and refunds to their order for the restocks.
/// </summary>
public sealed class OrdersProjection : IProjection
{
    public const string Table = "orders";

    public const string LinksTable = "order_links";

    public string Name => "orders";

    // 2: the shipping address's phone (digits only), indexed per store for the agents' phone lookup.
    // 3: whom and where the order ships to (name, phone as written, address line) for the buyer's profile; the phone
    //    indexed reversed for the search by its last digits, the name and the order id lower-cased for searches that
    //    ignore case.
    // 4: each parcel's state (intercepted, returned to sender, back at the warehouse), current lines after amendments and
    //    restocked units, and the units of the order restocked (order_links finds a restock's order).
    public int Version => 4;

    public IReadOnlySet<string> EventTypes { get; } = DomainEventTypes.NamesOf(
        typeof(OrderPlaced), typeof(OrderRejected), typeof(OrderPaymentConfirmed), typeof(OrderPaymentFailed), typeof(OrderCancelled),
        typeof(OrderCompleted), typeof(OrderRefundClaimed), typeof(OrderRefundClaimReleased),
        typeof(ShipmentCreated), typeof(ShipmentHandedToCarrier), typeof(ShipmentDelivered), typeof(ShipmentIntercepted), typeof(ShipmentReturnedToSender),
        typeof(ShipmentAmended), typeof(ShipmentBackAtWarehouse),
        typeof(RefundRequested), typeof(RefundPaid), typeof(StockRestocked));

    public IReadOnlyList<string> Tables { get; } = [Table, LinksTable];

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
            phone                  text,
            ship_name              text,
            ship_phone             text,
            ship_address           text,
            parcels                jsonb NOT NULL,
            units_restocked        integer NOT NULL
        );
        CREATE TABLE {schema}.order_links (
            kind       text NOT NULL,
            source_id  text NOT NULL,
            order_id   text NOT NULL,
            PRIMARY KEY (kind, source_id)
        );
        CREATE INDEX ON {schema}.orders (customer_id, placed_at DESC);
        CREATE INDEX ON {schema}.orders (store_id, status, placed_at DESC);
        CREATE INDEX ON {schema}.orders (store_id, phone) WHERE phone IS NOT NULL;
        CREATE INDEX ON {schema}.orders (reverse(phone) text_pattern_ops) WHERE phone IS NOT NULL;
        CREATE INDEX ON {schema}.orders (lower(order_id));
        CREATE INDEX ON {schema}.orders (lower(ship_name) text_pattern_ops) WHERE ship_name IS NOT NULL;
        """;

    /// <summary>
    /// Records the batch's parcels and refunds in <c>order_links</c> first, so a restock finds its order whether its
    /// parcel or refund came in this batch or an earlier one; then folds the rows.
    /// </summary>
    public async Task ApplyAsync(IReadOnlyList<DecodedEvent> batch, ProjectionContext context, CancellationToken cancellationToken)
    {
        var links = batch.Select(e => LinkOf(e.Event)).OfType<OrderLink>().DistinctBy(l => (l.Kind, l.SourceId)).ToList();
        await Links.UpsertAsync(context, links, cancellationToken);
        var restocked = batch.Select(e => e.Event).OfType<StockRestocked>().Select(SourceOf).Distinct().Select(k => new[] { k.Kind, k.SourceId }).ToList();
        var orderOfSource = (await Links.LoadAsync(context, restocked, cancellationToken)).ToDictionary(l => (l.Kind, l.SourceId), l => l.OrderId);
        await Rows.FoldAsync(context, batch, e => OrderIdOf(e.Event, orderOfSource), id => [id], row => row.OrderId, Evolve, cancellationToken);
    }

    /// <summary>
    /// The order an event is about: its own stream's, the one a parcel or refund fact names, or, for a restock, the order
    /// of the parcel or refund it came back with.
    /// </summary>
    internal static string? OrderIdOf(object e, IReadOnlyDictionary<(string Kind, string SourceId), string> orderOfSource) => e switch
    {
        OrderEvent x => x.OrderId,
        ShipmentCreated x => x.OrderId,
        ShipmentHandedToCarrier x => x.OrderId,
        ShipmentDelivered x => x.OrderId,
        ShipmentIntercepted x => x.OrderId,
        ShipmentReturnedToSender x => x.OrderId,
        ShipmentAmended x => x.OrderId,
        ShipmentBackAtWarehouse x => x.OrderId,
        RefundPaid x => x.OrderId,
        StockRestocked x => orderOfSource.GetValueOrDefault(SourceOf(x)),
        _ => null,
    };

    private static OrderLink? LinkOf(object e) => e switch
    {
        ShipmentCreated x => new OrderLink(ShipmentSource, x.ShipmentId, x.OrderId),
        RefundRequested x => new OrderLink(RefundSource, x.RefundId, x.OrderId),
        _ => null,
    };

    private const string ShipmentSource = "shipment";
    private const string RefundSource = "refund";

    /// <summary>What a restock came back with: the refused parcel, or the refund whose return passed inspection.</summary>
    private static (string Kind, string SourceId) SourceOf(StockRestocked restock) =>
        (restock.Reason == RestockReason.RefusedDelivery ? ShipmentSource : RefundSource, restock.Source);

    /// <summary>The row after one event; facts about an order never placed (nor rejected) change nothing.</summary>
    internal static OrderSummary? Evolve(OrderSummary? row, DecodedEvent e)
    {
        var at = e.OccurredAt();
        var next = (row, e.Event) switch
        {
            (null, OrderPlaced p) => new OrderSummary(
                p.OrderId, p.StoreId, p.CustomerId, "awaiting_payment", p.Channel, p.Currency, p.Lines.Sum(l => l.Quantity), p.Total,
                0m, 0m, 0m, 0, null, "none", 0, 0, 0, 0, 0, at, null, null, null, null, null, null, null, at, [], 0, PhoneDigits(p.ShippingAddress.Phone),
                p.ShippingAddress.Name, p.ShippingAddress.Phone, AddressLine(p.ShippingAddress)),
            (null, OrderRejected r) => new OrderSummary(
                r.OrderId, r.StoreId, r.CustomerId, "rejected", null, null, 0, 0m,
                0m, 0m, 0m, 0, null, "none", 0, 0, 0, 0, 0, null, at, null, null, null, null, null, null, at, [], 0),
            (null, _) => null,
            (_, OrderPaymentConfirmed p) => row with { Status = "paid", Paid = p.Amount, PaidAt = at },
            (_, OrderPaymentFailed) => row with { PaymentFailures = row.PaymentFailures + 1 },
            (_, OrderCancelled c) => row with { Status = "cancelled", CancelReason = c.Reason, CancelledAt = at },
            (_, OrderCompleted) => row with { Status = "completed", CompletedAt = at },
            (_, OrderRefundClaimed c) => row with { RefundClaimed = row.RefundClaimed + c.Amount },
            (_, OrderRefundClaimReleased c) => row with { RefundClaimed = row.RefundClaimed - c.Amount },
            (_, RefundPaid p) => row with { Refunded = row.Refunded + p.Amount, LastRefundPaidAt = at },
            (_, ShipmentCreated c) => row with
            {
                Shipments = row.Shipments + 1,
                Parcels = [.. row.Parcels, new OrderParcel(c.ShipmentId, c.WarehouseId, "preparing", Units(c.Lines), [], null, 0)],
            },
            (_, ShipmentHandedToCarrier h) => row with
            {
                ShipmentsHandedOver = row.ShipmentsHandedOver + 1, FirstHandedOverAt = row.FirstHandedOverAt ?? at,
                Parcels = WithParcel(row.Parcels, h.ShipmentId, p => p with { State = "in_transit", TrackingNumber = h.TrackingNumber }),
            },
            (_, ShipmentDelivered d) => row with
            {
                ShipmentsDelivered = row.ShipmentsDelivered + 1, Parcels = WithParcel(row.Parcels, d.ShipmentId, p => p with { State = "delivered" }),
            },
            (_, ShipmentIntercepted i) => row with
            {
                ShipmentsIntercepted = row.ShipmentsIntercepted + 1, Parcels = WithParcel(row.Parcels, i.ShipmentId, p => p with { State = "intercepted" }),
            },
            (_, ShipmentReturnedToSender r) => row with
            {
                ShipmentsReturned = row.ShipmentsReturned + 1, Parcels = WithParcel(row.Parcels, r.ShipmentId, p => p with { State = "returned_to_sender" }),
            },
            (_, ShipmentAmended a) => row with
            {
                Parcels = WithParcel(row.Parcels, a.ShipmentId, p => p with { Lines = Units(a.Lines), Removed = Merged(p.Removed, a.Removed) }),
            },
            (_, ShipmentBackAtWarehouse b) => row with
            {
                Parcels = WithParcel(row.Parcels, b.ShipmentId, p => p with { State = "back_at_warehouse", Lines = Units(b.Lines) }),
            },
            (_, StockRestocked s) => row with
            {
                UnitsRestocked = row.UnitsRestocked + s.Quantity,
                Parcels = s.Reason == RestockReason.RefusedDelivery ? WithParcel(row.Parcels, s.Source, p => p with { Restocked = p.Restocked + s.Quantity }) : row.Parcels,
            },
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

    /// <summary>A parcel's lines as units per SKU, in the order they first appear.</summary>
    private static IReadOnlyList<ShipmentUnits> Units(IEnumerable<ShipmentLine> lines) =>
        Merged([], lines.Select(l => new ShipmentUnits(l.Sku, l.Quantity)));

    private static IReadOnlyList<ShipmentUnits> Merged(IEnumerable<ShipmentUnits> earlier, IEnumerable<ShipmentUnits> more) =>
        [.. earlier.Concat(more).GroupBy(u => u.Sku, StringComparer.Ordinal).Select(g => new ShipmentUnits(g.Key, g.Sum(u => u.Quantity)))];

    /// <summary>The parcels with <paramref name="shipmentId"/>'s changed; as they were when the order has no such parcel.</summary>
    private static IReadOnlyList<OrderParcel> WithParcel(IReadOnlyList<OrderParcel> parcels, string shipmentId, Func<OrderParcel, OrderParcel> change) =>
        parcels.Any(p => p.ShipmentId == shipmentId) ? [.. parcels.Select(p => p.ShipmentId == shipmentId ? change(p) : p)] : parcels;

    /// <summary>
    /// A phone number as the lookup compares it: its digits only (<c>+86 138-0013-8000</c> → <c>8613800138000</c>); null
    /// when it has none.
    /// </summary>
    public static string? PhoneDigits(string? phone)
    {
        var digits = phone is null ? "" : string.Concat(phone.Where(char.IsAsciiDigit));
        return digits.Length == 0 ? null : digits;
    }

    /// <summary>An address on one line as a label reads: street, city and postal code, region, country.</summary>
    public static string AddressLine(PostalAddress address) =>
        string.Join(", ", new[] { address.Line1, address.Line2, $"{address.PostalCode} {address.City}".Trim(), address.Region, address.Country }
            .Where(part => !string.IsNullOrWhiteSpace(part)));

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
            r.TimeN(19), r.TimeN(20), r.TimeN(21), r.TimeN(22), r.TimeN(23), r.TimeN(24), r.TimeN(25), r.TimeN(26), r.Time(27),
            r.Json<IReadOnlyList<OrderParcel>>(32, []), r.Int(33), r.TextN(28), r.TextN(29), r.TextN(30), r.TextN(31)),
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
        Col.Text<OrderSummary>("phone", o => o.Phone),
        Col.Text<OrderSummary>("ship_name", o => o.ShipName),
        Col.Text<OrderSummary>("ship_phone", o => o.ShipPhone),
        Col.Text<OrderSummary>("ship_address", o => o.ShipAddress),
        Col.Json<OrderSummary, IReadOnlyList<OrderParcel>>("parcels", o => o.Parcels),
        Col.Int<OrderSummary>("units_restocked", o => o.UnitsRestocked));

    private static readonly RowTable<OrderLink> Links = new(
        LinksTable,
        keyCount: 2,
        r => new OrderLink(r.Text(0), r.Text(1), r.Text(2)),
        Col.Text<OrderLink>("kind", l => l.Kind),
        Col.Text<OrderLink>("source_id", l => l.SourceId),
        Col.Text<OrderLink>("order_id", l => l.OrderId));
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

    /// <summary>
    /// The customers of the given stores (null: every store) whose orders match <paramref name="terms"/>: the customer id
    /// exactly, the order id ignoring case, one of <see cref="CustomerSearchTerms.OrderIds"/> (found by tracking number),
    /// the phone by its last digits (or the number without its country code), or the start of the name shipped to
    /// (ignoring case). Most recent buyer first; each with the latest name, what matched and how many orders did.
    /// </summary>
    public Task<List<CustomerHit>> SearchCustomersAsync(
        IReadOnlyCollection<string>? storeIds, CustomerSearchTerms terms, int limit = 50, CancellationToken cancellationToken = default) =>
        ReadModelQuery.ListAsync(
            DataSource,
            $"""
            WITH hits AS (
                SELECT store_id, customer_id, ship_name, coalesce(placed_at, rejected_at) AS at,
                       CASE WHEN customer_id = @text THEN 'customer'
                            WHEN lower(order_id) = lower(@text) THEN 'order'
                            WHEN order_id = ANY(@orderIds) THEN 'tracking'
                            WHEN @digits <> '' AND ((reverse(phone) ~>=~ @phoneFrom AND reverse(phone) ~<~ @phoneTo) OR phone = ANY(@nationalNumbers)) THEN 'phone'
                            ELSE 'name' END AS matched_by
                FROM {Views}.orders
                WHERE {(storeIds is null ? "TRUE" : "store_id = ANY(@storeIds)")}
                  AND (customer_id = @text OR lower(order_id) = lower(@text) OR order_id = ANY(@orderIds)
                       OR (@digits <> '' AND phone IS NOT NULL AND reverse(phone) ~>=~ @phoneFrom AND reverse(phone) ~<~ @phoneTo)
                       OR (phone IS NOT NULL AND phone = ANY(@nationalNumbers))
                       OR (@nameFrom <> '' AND ship_name IS NOT NULL AND lower(ship_name) ~>=~ @nameFrom AND lower(ship_name) ~<~ @nameTo))
            )
            SELECT store_id, customer_id, (array_agg(ship_name ORDER BY at DESC NULLS LAST) FILTER (WHERE ship_name IS NOT NULL))[1],
                   string_agg(DISTINCT matched_by, ',' ORDER BY matched_by), count(*)::int, max(at)
            FROM hits GROUP BY store_id, customer_id
            ORDER BY max(at) DESC NULLS LAST, store_id, customer_id LIMIT @limit
            """,
            new
            {
                storeIds = storeIds is null ? [] : ReadModelQuery.Array(storeIds),
                text = terms.Text,
                orderIds = ReadModelQuery.Array(terms.OrderIds),
                digits = terms.PhoneDigits ?? "",
                phoneFrom = PrefixRange.From(Reversed(terms.PhoneDigits)),
                phoneTo = PrefixRange.To(Reversed(terms.PhoneDigits)),
                nationalNumbers = terms.NationalNumbers(),
                nameFrom = PrefixRange.From(terms.NamePrefix()),
                nameTo = PrefixRange.To(terms.NamePrefix()),
                limit = ReadModelQuery.Clamp(limit),
            },
            r => new CustomerHit(r.Text(0), r.Text(1), r.TextN(2), r.Text(3).Split(','), r.Int(4), r.TimeN(5)),
            cancellationToken);

    private static string Reversed(string? text) => text is null ? "" : new string([.. text.Reverse()]);

    /// <summary>
    /// A buyer's net paid amount in one store over (<paramref name="from"/>, <paramref name="to"/>]: paid − refunded of the
    /// orders whose payment was confirmed then (what a store's VIP rule counts, docs/domain.md "Priority"); 0 without such orders.
    /// </summary>
    public async Task<decimal> GetNetPaidAsync(string storeId, string customerId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        (await ReadModelQuery.ListAsync(
            DataSource,
            $"""
            SELECT coalesce(sum(paid - refunded), 0) FROM {Views}.orders
            WHERE store_id = @storeId AND customer_id = @customerId AND paid_at > @from AND paid_at <= @to
            """,
            new { storeId, customerId, from, to },
            r => r.Money(0),
            cancellationToken)).Single();

    /// <summary>What the store's orders say about one buyer: whom and where the latest order ships to, and totals per currency; null without orders.</summary>
    public async Task<CustomerOrderFacts?> GetCustomerFactsAsync(string storeId, string customerId, CancellationToken cancellationToken = default)
    {
        var totals = await ReadModelQuery.ListAsync(
            DataSource,
            $"""
            SELECT coalesce(currency, ''), sum(paid), sum(refunded), count(*)::int FROM {Views}.orders
            WHERE store_id = @storeId AND customer_id = @customerId GROUP BY currency ORDER BY currency
            """,
            new { storeId, customerId },
            r => new CurrencyTotals(r.Text(0), r.Money(1), r.Money(2), r.Int(3)),
            cancellationToken);
        if (totals.Count == 0)
        {
            return null;
        }

        var span = await ReadModelQuery.ListAsync(
            DataSource,
            $"""
            SELECT min(coalesce(placed_at, rejected_at)), max(coalesce(placed_at, rejected_at)),
                   (array_agg(ship_name ORDER BY coalesce(placed_at, rejected_at) DESC NULLS LAST) FILTER (WHERE ship_name IS NOT NULL))[1],
                   (array_agg(ship_phone ORDER BY coalesce(placed_at, rejected_at) DESC NULLS LAST) FILTER (WHERE ship_phone IS NOT NULL))[1],
                   (array_agg(ship_address ORDER BY coalesce(placed_at, rejected_at) DESC NULLS LAST) FILTER (WHERE ship_address IS NOT NULL))[1]
            FROM {Views}.orders WHERE store_id = @storeId AND customer_id = @customerId
            """,
            new { storeId, customerId },
            r => (First: r.TimeN(0), Last: r.TimeN(1), Name: r.TextN(2), Phone: r.TextN(3), Address: r.TextN(4)),
            cancellationToken);
        var facts = span.Single();
        return new CustomerOrderFacts(facts.Name, facts.Phone, facts.Address, totals.Sum(t => t.Orders), facts.First, facts.Last, totals);
    }
}

/// <summary>
/// What one search box's text may be: <see cref="Text"/> as typed (trimmed); its phone digits when it reads as a phone
/// number (digits with <c>+ - . ( )</c> and spaces, at least <see cref="MinPhoneDigits"/> digits); the orders whose
/// parcels carry it as a tracking number (<see cref="OrderIds"/>, looked up in <c>shipments</c> first).
/// </summary>
public sealed record CustomerSearchTerms(string Text, string? PhoneDigits, IReadOnlyList<string> OrderIds)
{
    /// <summary>The fewest digits a phone lookup takes, so a stray digit does not list half the store.</summary>
    public const int MinPhoneDigits = 4;

    /// <summary>Shortest national number kept when a leading country code (1–3 digits) is dropped.</summary>
    private const int MinNationalDigits = 7;

    public static CustomerSearchTerms Of(string text, IReadOnlyList<string> orderIds)
    {
        var trimmed = text.Trim();
        var readsAsPhone = trimmed.All(c => char.IsAsciiDigit(c) || c is '+' or '-' or '.' or '(' or ')' or ' ');
        var digits = readsAsPhone ? OrdersProjection.PhoneDigits(trimmed) : null;
        return new CustomerSearchTerms(trimmed, digits is { Length: >= MinPhoneDigits } ? digits : null, orderIds);
    }

    /// <summary>The number typed with its country code (or trunk 0) dropped, for orders whose phone was written without it.</summary>
    public string[] NationalNumbers() =>
        PhoneDigits is { } digits
            ? [.. Enumerable.Range(1, 3).Where(cut => digits.Length - cut >= MinNationalDigits).Select(cut => digits[cut..])]
            : [];

    /// <summary>The lower-cased text a name must start with; empty for a phone number (digits are no name).</summary>
    public string NamePrefix() => PhoneDigits is not null ? "" : Text.ToLowerInvariant();
}

/// <summary>
/// A prefix as a range of the text-pattern (byte-wise) order, <c>[From, To)</c>: what an index with
/// <c>text_pattern_ops</c> answers whatever the plan (a LIKE with a parameter as its pattern cannot use the index).
/// </summary>
internal static class PrefixRange
{
    public static string From(string prefix) => prefix;

    /// <summary>The prefix with its last character raised by one; empty for an empty prefix (nothing is below it).</summary>
    public static string To(string prefix) => prefix.Length == 0 ? "" : prefix[..^1] + (char)(prefix[^1] + 1);
}

/// <summary>A customer found by a search: their latest name, what matched (customer, order, tracking, phone, name) and how many orders did.</summary>
public sealed record CustomerHit(string StoreId, string CustomerId, string? Name, IReadOnlyList<string> MatchedBy, int MatchingOrders, DateTimeOffset? LastOrderAt);

/// <summary>Paid and refunded over a buyer's orders in one currency.</summary>
public sealed record CurrencyTotals(string Currency, decimal Paid, decimal Refunded, int Orders);

/// <summary>A buyer as their orders in one store show them: the latest name, phone and address shipped to, and totals.</summary>
public sealed record CustomerOrderFacts(
    string? Name, string? Phone, string? Address, int Orders, DateTimeOffset? FirstOrderAt, DateTimeOffset? LastOrderAt, IReadOnlyList<CurrencyTotals> Totals);

/// <summary>A customer found by a lookup (phone or order number), with how many of their orders matched.</summary>
public sealed record CustomerMatch(string StoreId, string CustomerId, int MatchingOrders, DateTimeOffset? LastOrderAt);
