using System.Security.Claims;
using OrderLedger.Hosting;

namespace OrderLedger.Api.Queries;

/// <summary>Store isolation for queries: a store outside the caller's token is answered as if it did not exist.</summary>
public static class StoreScope
{
    /// <summary>The store of a <c>/api/stores/{storeId}/…</c> route as a one-element list, or null (answer 404).</summary>
    public static string[]? Visible(this ClaimsPrincipal user, string storeId) =>
        storeId != AccessTokens.AllStores && user.CanSee(storeId) ? [storeId] : null;

    public static IResult StoreNotFound(string storeId) => ApiProblems.NotFound($"Store '{storeId}'");

    public static IResult Visible<T>(this ClaimsPrincipal user, T? item, Func<T, string?> storeOf, string what)
        where T : class =>
        item is not null && user.CanSee(storeOf(item)) ? Results.Ok(item) : ApiProblems.NotFound(what);
}
