using System.Security.Claims;
using OrderLedger.ReadModels;

namespace OrderLedger.Api.Queries;

/// <summary>What a store knows about one customer: the timeline (keyset paged), orders and conversations.</summary>
public static class CustomerQueryEndpoints
{
    public static void MapCustomerQueries(this IEndpointRouteBuilder api)
    {
        api.MapGet("/stores/{storeId}/customers", FindAsync)
            .WithTags("Customers")
            .WithSummary("Find the store's customers by the phone their orders ship to (digits compared) or by an order number.")
            .Produces<List<CustomerMatch>>().ProducesValidationProblem().ProducesProblem(404);
        var customers = api.MapGroup("/stores/{storeId}/customers/{customerId}").WithTags("Customers");
        customers.MapGet("/timeline", async (
                string storeId, string customerId, ClaimsPrincipal user, CustomerTimelineQueries timeline, CancellationToken ct, string? cursor = null, int pageSize = 50) =>
            {
                if (user.Visible(storeId) is not { } stores)
                {
                    return StoreScope.StoreNotFound(storeId);
                }

                if (ApiProblems.CheckPageSize(pageSize, "pageSize") is { } badPageSize)
                {
                    return badPageSize;
                }

                try
                {
                    return Results.Ok(await timeline.GetPageAsync(stores, customerId, cursor, pageSize, ct));
                }
                catch (ArgumentException)
                {
                    return ApiProblems.Invalid("cursor", "Use the nextCursor of the previous page.");
                }
            })
            .WithSummary("Every fact about the customer in this store, newest first; pass nextCursor to continue.")
            .Produces<TimelinePage>().ProducesValidationProblem().ProducesProblem(404);
        customers.MapGet("/orders", async (string storeId, string customerId, ClaimsPrincipal user, OrderQueries orders, CancellationToken ct, int limit = 50) =>
                user.Visible(storeId) is not { } stores ? StoreScope.StoreNotFound(storeId)
                : ApiProblems.CheckPageSize(limit) ?? Results.Ok(await orders.ListForCustomerAsync(stores, customerId, limit, ct)))
            .WithSummary("The customer's orders in this store, newest first.").Produces<List<OrderSummary>>().ProducesProblem(404);
        customers.MapGet("/conversations", async (string storeId, string customerId, ClaimsPrincipal user, ConversationQueries conversations, CancellationToken ct, int limit = 50) =>
                user.Visible(storeId) is not { } stores ? StoreScope.StoreNotFound(storeId)
                : ApiProblems.CheckPageSize(limit) ?? Results.Ok(await conversations.ListForCustomerAsync(stores, customerId, limit, ct)))
            .WithSummary("The customer's conversations in this store, newest first.").Produces<List<ConversationSummary>>().ProducesProblem(404);
    }

    /// <summary>The fewest digits a phone lookup takes, so a stray digit does not list half the store.</summary>
    public const int MinPhoneDigits = 4;

    private static async Task<IResult> FindAsync(
        string storeId, ClaimsPrincipal user, OrderQueries orders, CancellationToken ct, string? phone = null, string? orderId = null)
    {
        if (user.Visible(storeId) is null)
        {
            return StoreScope.StoreNotFound(storeId);
        }

        switch (string.IsNullOrWhiteSpace(phone), string.IsNullOrWhiteSpace(orderId))
        {
            case (true, true):
                return ApiProblems.Invalid("phone", "Give phone or orderId.");
            case (false, false):
                return ApiProblems.Invalid("orderId", "Give phone or orderId, not both.");
            case (true, false):
                var order = await orders.GetOrderAsync(orderId!.Trim(), ct);
                return Results.Ok(order is null || order.StoreId != storeId
                    ? []
                    : new List<CustomerMatch> { new(order.StoreId, order.CustomerId, 1, order.PlacedAt ?? order.RejectedAt) });
            default:
                return OrdersProjection.PhoneDigits(phone) is { Length: >= MinPhoneDigits } digits
                    ? Results.Ok(await orders.FindCustomersByPhoneAsync(storeId, digits, cancellationToken: ct))
                    : ApiProblems.Invalid("phone", $"At least {MinPhoneDigits} digits.");
        }
    }
}
