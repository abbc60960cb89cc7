using System.Security.Claims;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Hosting;

namespace OrderLedger.Api.Streams;

/// <summary>
/// Store isolation for the raw log (docs/security.md, "Store isolation"). An event belongs to the store in its metadata
/// (<c>storeId</c>); a store-scoped token sees only events of its stores, and events of no store only with <c>*</c>.
/// Reads filter rather than refuse: the filter runs on the server, over each event's own metadata, after the page is
/// read, so it cannot be steered by a prefix or type filter, and paging goes on from the last event read (a page may
/// come back shorter, or empty, with <c>next</c> still moving).
/// </summary>
public static class StreamStoreScope
{
    public static bool CanSee(this ClaimsPrincipal user, RecordedEvent recorded) =>
        user.CanSee(AccessTokens.AllStores) || user.CanSee(EventCodec.DecodeMetadata(recorded.Metadata)?.StoreId);

    /// <summary>
    /// A raw append keeps a stream in one store: the body's <c>storeId</c> must be one of the caller's stores (required
    /// unless the token is for every store), and an existing stream must belong to the caller's stores and to that same
    /// store. A stream of another store answers 404, as if it were not there.
    /// </summary>
    public static async Task<IResult?> CheckAppendAsync(string streamId, string? storeId, ClaimsPrincipal user, IEventStore store, CancellationToken cancellationToken)
    {
        if (storeId == AccessTokens.AllStores)
        {
            return ApiProblems.Invalid("storeId", $"'{AccessTokens.AllStores}' is not a store id.");
        }

        if (storeId is null && !user.CanSee(AccessTokens.AllStores))
        {
            return ApiProblems.Invalid("storeId", "Name the store the events belong to (one of your token's stores).");
        }

        if (storeId is not null && !user.CanSee(storeId))
        {
            return ApiProblems.NotFound($"Store '{storeId}'");
        }

        var first = await store.ReadStreamAsync(streamId, new StreamReadOptions(ReadDirection.Forwards, null, 1), cancellationToken).FirstOrDefaultAsync(cancellationToken);
        if (first is null)
        {
            return null;
        }

        if (!user.CanSee(first))
        {
            return ApiProblems.NotFound($"Stream '{streamId}'");
        }

        var owner = EventCodec.DecodeMetadata(first.Metadata)?.StoreId;
        return owner == storeId
            ? null
            : ApiProblems.Invalid("storeId", owner is null
                ? $"Stream '{streamId}' belongs to no store; append to it without a storeId."
                : $"Stream '{streamId}' belongs to store '{owner}'; its events keep that store.");
    }
}
