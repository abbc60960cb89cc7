using System.Security.Claims;
using OrderLedger.Api.Commands;
using OrderLedger.Domain.Conversations;
using OrderLedger.Hosting;
using OrderLedger.Projections.Sql;
using OrderLedger.ReadModels;
using OrderLedger.ReadModels.Infrastructure;

namespace OrderLedger.Api.Queries;

/// <summary>
/// What a store knows about one customer: the timeline (keyset paged), orders, conversations and the buyer's profile;
/// the lookup within one store, and the search across the stores of the token.
/// </summary>
public static class CustomerQueryEndpoints
{
    public static void MapCustomerQueries(this IEndpointRouteBuilder api)
    {
        api.MapGet("/stores/{storeId}/customers", FindAsync)
            .WithTags("Customers")
            .WithSummary("Find the store's customers by the phone their orders ship to (digits compared) or by an order number.")
            .Produces<List<CustomerMatch>>().ProducesValidationProblem().ProducesProblem(404);
        api.MapGet("/customers", SearchAsync)
            .WithTags("Customers")
            .WithSummary("Search the customers of the token's stores: customer id, order id (case ignored), tracking number, phone (any form, or its last 4+ digits), start of the name.")
            .Produces<List<CustomerHit>>().ProducesValidationProblem();
        var customers = api.MapGroup("/stores/{storeId}/customers/{customerId}").WithTags("Customers");
        customers.MapGet("/profile", ProfileAsync)
            .WithSummary("The buyer as the store knows them: latest name, phone and address shipped to, orders, paid and refunded per currency, conversations, tier, the tags their conversations carry.")
            .Produces<CustomerProfile>().ProducesProblem(404);
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

    private static async Task<IResult> SearchAsync(
        ClaimsPrincipal user, OrderQueries orders, ShipmentQueries shipments, ConversationQueries conversations, CancellationToken ct, string? q = null, int limit = 50)
    {
        if (string.IsNullOrWhiteSpace(q))
        {
            return ApiProblems.Invalid("q", "Give a name, phone, customer id, order id or tracking number.");
        }

        if (ApiProblems.CheckPageSize(limit) is { } badLimit)
        {
            return badLimit;
        }

        var stores = TokenStores(user);
        var text = q.Trim();
        var terms = CustomerSearchTerms.Of(text, await shipments.OrdersTrackedAsAsync(stores, text, ct));
        var hits = await orders.SearchCustomersAsync(stores, terms, limit, ct);
        // A customer who only ever wrote (no order yet) is found by their id through their conversations.
        var talkedOnly = (await conversations.StoresWithCustomerAsync(stores, text, ct))
            .Where(store => !hits.Any(h => h.StoreId == store && h.CustomerId == text))
            .Select(store => new CustomerHit(store, text, null, ["customer"], 0, null));
        return Results.Ok(hits.Concat(talkedOnly).Take(limit).ToList());
    }

    private static async Task<IResult> ProfileAsync(
        string storeId, string customerId, ClaimsPrincipal user, OrderQueries orders, ConversationQueries conversations, CustomerStandings standings,
        TimeProvider clock, CancellationToken ct)
    {
        if (user.Visible(storeId) is not { } stores)
        {
            return StoreScope.StoreNotFound(storeId);
        }

        var facts = await orders.GetCustomerFactsAsync(storeId, customerId, ct);
        var talks = await conversations.ListForCustomerAsync(stores, customerId, ReadModelPage.MaxSize, ct);
        if (facts is null && talks.Count == 0)
        {
            return ApiProblems.NotFound($"Customer '{customerId}' of store '{storeId}'");
        }

        var standing = await standings.ForProfileAsync(storeId, customerId, clock.GetUtcNow(), ct);
        // The buyer's usual problems across every store the token covers (a customer id names the buyer in each of them).
        var tags = await conversations.TagsForCustomerAsync(TokenStores(user), customerId, ProfileTags, ct);
        return Results.Ok(new CustomerProfile(
            storeId, customerId, facts?.Name, facts?.Phone, facts?.Address, facts?.Orders ?? 0, facts?.FirstOrderAt, facts?.LastOrderAt,
            facts?.Totals ?? [], talks.Count, talks.Count(c => c.Status == "open"), BuyerStanding.Of(standing), tags));
    }

    /// <summary>A token of every store covers every store (null); any other token its own stores only.</summary>
    private static IReadOnlyCollection<string>? TokenStores(ClaimsPrincipal user) =>
        user.Stores().Contains(AccessTokens.AllStores) ? null : user.Stores();

    /// <summary>The most tags a profile lists: the buyer's usual problems at a glance, not every word ever tagged.</summary>
    public const int ProfileTags = 10;

    /// <summary>The fewest digits a phone lookup takes, so a stray digit does not list half the store.</summary>
    public const int MinPhoneDigits = CustomerSearchTerms.MinPhoneDigits;

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

/// <summary>
/// A buyer as one store knows them: whom and where their latest order ships to, how many orders, paid and refunded per
/// currency, their conversations (open ones too), their standing under the store's VIP rule now, and the tags their
/// conversations are classified with.
/// </summary>
/// <param name="Tags">
/// The tags of the latest classification of the buyer's conversations in every store the token covers (unlike
/// <see cref="Conversations"/>, which counts this store's), each with how many conversations carry it, most frequent first, at most <see cref="CustomerQueryEndpoints.ProfileTags"/>.
/// </param>
public sealed record CustomerProfile(
    string StoreId,
    string CustomerId,
    string? Name,
    string? Phone,
    string? Address,
    int Orders,
    DateTimeOffset? FirstOrderAt,
    DateTimeOffset? LastOrderAt,
    IReadOnlyList<CurrencyTotals> Totals,
    int Conversations,
    int OpenConversations,
    BuyerStanding Standing,
    IReadOnlyList<TagCount> Tags);

/// <summary>
/// The buyer's tier now (the one a conversation started now would get): VIP when the store's rule qualifies them by
/// <see cref="PaidLast12Months"/> (net of refunds, in the store's currency) or by <see cref="MemberLevel"/>.
/// </summary>
/// <param name="Tier"><c>vip</c> or <c>regular</c>.</param>
/// <param name="VipMinPaidLast12Months">The store's VIP amount; null: no amount makes a VIP.</param>
/// <param name="VipMemberLevels">The member levels the store counts as VIP.</param>
public sealed record BuyerStanding(string Tier, string? MemberLevel, decimal PaidLast12Months, decimal? VipMinPaidLast12Months, IReadOnlyList<string> VipMemberLevels)
{
    public static BuyerStanding Of(CustomerStanding standing) =>
        new(standing.Tier.Snake(), standing.MemberLevel, standing.PaidLast12Months, standing.Rule.MinPaidLast12Months, standing.Rule.MemberLevels);
}
