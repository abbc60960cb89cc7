using System.Security.Claims;
using OrderLedger.Api.Validation;
using OrderLedger.Audit;
using OrderLedger.Domain;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Hosting;

namespace OrderLedger.Api.Queries;

/// <summary>
/// For auditors (policy read-log): a stream's events with the aggregate's state after each, the state as of a moment
/// (<c>at</c>, business time), and the hash-chain check of the stream. A stream of a store outside the token is 404.
/// </summary>
public static class HistoryQueryEndpoints
{
    public static void MapHistoryQueries(this IEndpointRouteBuilder api)
    {
        api.MapGet("/history/{streamId}", (string streamId, ClaimsPrincipal user, StreamHistory history, CancellationToken ct, DateTimeOffset? at = null) =>
                HistoryAsync(streamId, user, history, at, ct))
            .WithSummary("A stream's events with the state after each; with `at`, the state as of that moment.")
            .WithTags("History").Produces<StreamHistoryView>().Produces<HistoryStepView>().ProducesProblem(404);
        api.MapGet("/orders/{orderId}/history", (string orderId, ClaimsPrincipal user, StreamHistory history, CancellationToken ct, DateTimeOffset? at = null) =>
                HistoryAsync(StreamIds.Order(orderId), user, history, at, ct))
            .WithSummary("An order's events with the state after each; with `at`, the state as of that moment.")
            .WithTags("History", "Orders").Produces<StreamHistoryView>().Produces<HistoryStepView>().ProducesProblem(404);
        api.MapGet("/history/{streamId}/verification", async (string streamId, ClaimsPrincipal user, IEventStore store, ChainVerifier verifier, CancellationToken ct) =>
                await StoreOfAsync(store, streamId, ct) is (true, var owner) && user.CanSee(owner)
                    ? Results.Ok(await verifier.VerifyStreamAsync(streamId, ct))
                    : ApiProblems.NotFound($"Stream '{streamId}'"))
            .WithSummary("Re-walks the stream's hash chain and reports the first broken link.")
            .WithTags("History").Produces<VerificationReport>().ProducesProblem(404);
    }

    private static async Task<IResult> HistoryAsync(string streamId, ClaimsPrincipal user, StreamHistory history, DateTimeOffset? at, CancellationToken ct)
    {
        if (QueryRanges.Moment("at", at) is { } outOfRange)
        {
            return outOfRange;
        }

        var steps = await history.ReplayAsync(streamId, ct);
        if (steps.Count == 0 || !user.CanSee(steps[0].Event.Metadata?.StoreId))
        {
            return ApiProblems.NotFound($"Stream '{streamId}'");
        }

        if (at is { } moment)
        {
            return StreamHistory.AsOf(steps, moment) is { } step
                ? Results.Ok(HistoryStepView.Of(step))
                : ApiProblems.NotFound($"Stream '{streamId}' as of {moment:O}");
        }

        return Results.Ok(new StreamHistoryView(streamId, [.. steps.Select(HistoryStepView.Of)]));
    }

    private static async Task<(bool Exists, string? StoreId)> StoreOfAsync(IEventStore store, string streamId, CancellationToken ct)
    {
        var first = await store.ReadStreamAsync(streamId, new StreamReadOptions(ReadDirection.Forwards, null, 1), ct).FirstOrDefaultAsync(ct);
        return first is null ? (false, null) : (true, EventCodec.DecodeMetadata(first.Metadata)?.StoreId);
    }
}

public sealed record StreamHistoryView(string StreamId, IReadOnlyList<HistoryStepView> Steps);

/// <summary>One event of a stream (type, data, who, when) and the aggregate's state right after it.</summary>
public sealed record HistoryStepView(
    ulong Revision, string Position, string Type, DateTimeOffset OccurredAt, string? Actor, string? CommandId, object Data, object? StateAfter)
{
    public static HistoryStepView Of(HistoryStep step) => new(
        step.Event.Record.Revision,
        step.Event.Record.Position.ToString(),
        step.Event.Record.Type,
        step.OccurredAt,
        step.Event.Metadata?.Actor.ToString(),
        step.Event.Metadata?.CommandId,
        step.Event.Event,
        step.StateAfter);
}
