using OrderLedger.Domain;
using OrderLedger.Domain.Orders;

namespace OrderLedger.Api.Commands;

/// <summary>
/// Orders and payments (stream <c>order-{orderId}</c>; placing reserves stock, cancelling releases it). Rejections,
/// hand-over records and refund claims are steps of other commands, not endpoints.
/// </summary>
public static class OrderCommands
{
    public static void MapOrderCommands(this IEndpointRouteBuilder api)
    {
        api.MapCommand<PlaceOrderBody>("/orders/{orderId}", "Place an order: reserve stock in the store's warehouses and record it.", (b, f) =>
            new PlaceOrder(
                f.Route("orderId"), f.Text(b.StoreId), f.Text(b.CustomerId), f.Text(b.Channel), f.Text(b.Currency),
                f.List(b.Lines), f.Required(b.ShippingAddress), b.PaymentDueAt, f.OccurredAt, Attribution: b.Attribution));
        api.MapCommand<ConfirmPaymentBody>("/orders/{orderId}/payments", "Confirm the order's payment (amount and currency must match the total).", (b, f) =>
            new ConfirmPayment(f.Route("orderId"), f.Value(b.Amount), f.Text(b.Currency), f.Text(b.PaymentReference), f.OccurredAt));
        api.MapCommand<FailPaymentBody>("/orders/{orderId}/payment-failures", "Record a failed payment attempt; the order keeps waiting.", (b, f) =>
            new FailPayment(f.Route("orderId"), f.Text(b.PaymentReference), f.Text(b.Reason), f.OccurredAt));
        api.MapCommand<EmptyBody>("/orders/{orderId}/payment-timeout", "Time out an unpaid order after its due time (cancels it, releases stock).", (_, f) =>
            new TimeOutPayment(f.Route("orderId"), f.OccurredAt));
        api.MapCommand<ReasonBody>("/orders/{orderId}/cancellation", "Cancel an order before the carrier hand-over (releases its stock).", (b, f) =>
            new CancelOrder(f.Route("orderId"), f.Text(b.Reason), f.OccurredAt));
        api.MapCommand<EmptyBody>("/orders/{orderId}/completion", "Complete a paid order whose warehouses have all handed over.", (_, f) =>
            new CompleteOrder(f.Route("orderId"), f.OccurredAt));
    }
}

public sealed record PlaceOrderBody(
    string? StoreId,
    string? CustomerId,
    string? Channel,
    string? Currency,
    IReadOnlyList<OrderLine?>? Lines,
    PostalAddress? ShippingAddress,
    DateTimeOffset? PaymentDueAt,
    OrderAttribution? Attribution = null) : CommandBody;

public sealed record ConfirmPaymentBody(decimal? Amount, string? Currency, string? PaymentReference) : CommandBody;

public sealed record FailPaymentBody(string? PaymentReference, string? Reason) : CommandBody;

/// <summary>A command with nothing to say beyond its route (and optional commandId and occurredAt).</summary>
public sealed record EmptyBody : CommandBody;

public sealed record ReasonBody(string? Reason) : CommandBody;
