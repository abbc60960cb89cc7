using System.Security.Claims;
using OrderLedger.Api.Validation;
using OrderLedger.Application.CommandHandling;
using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Stores;
using OrderLedger.Projections.Sql;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;
using OrderLedger.ReadModels;

namespace OrderLedger.Api.Queries;

/// <summary>The conversation queue (read model <c>conversations</c>) and single conversations.</summary>
public static class ConversationQueryEndpoints
{
    public static void MapConversationQueries(this IEndpointRouteBuilder api)
    {
        api.MapGet("/conversations/{conversationId}", async (string conversationId, ClaimsPrincipal user, ConversationQueries conversations, CancellationToken ct) =>
                user.Visible(await conversations.GetAsync(conversationId, ct), c => c.StoreId, $"Conversation '{conversationId}'"))
            .WithSummary("A conversation's state.").WithTags("Conversations").Produces<ConversationSummary>().ProducesProblem(404);
        api.MapGet("/conversations/{conversationId}/messages", async (string conversationId, ClaimsPrincipal user, IEventStore store, EventCodec codec, CancellationToken ct) =>
                user.Visible(await ConversationTranscript.ReadAsync(store, codec, conversationId, ct), t => t.StoreId, $"Conversation '{conversationId}'"))
            .WithSummary("A conversation's whole transcript, oldest first: every message in full, and hand-offs, assignments, escalations, resolutions.")
            .WithTags("Conversations").Produces<ConversationTranscript>().ProducesProblem(404);
        api.MapGet("/stores/{storeId}/conversations/queue", async (
                string storeId, ClaimsPrincipal user, ConversationQueries conversations, CommandHandler handler, TimeProvider clock, CancellationToken ct,
                string? agentId = null, int? slaSeconds = null, double atRiskShare = ConversationQueries.DefaultAtRiskShare, int limit = 200) =>
            {
                if (user.Visible(storeId) is not { } stores)
                {
                    return StoreScope.StoreNotFound(storeId);
                }

                if (slaSeconds is < 1 or > QueryRanges.MaxSlaSeconds)
                {
                    return ApiProblems.Invalid("slaSeconds", $"Between 1 and {QueryRanges.MaxSlaSeconds}.");
                }

                if (!double.IsFinite(atRiskShare) || atRiskShare is <= 0 or > 1)
                {
                    return ApiProblems.Invalid("atRiskShare", "Between 0 (excluded) and 1.");
                }

                if (ApiProblems.CheckPageSize(limit) is { } badLimit)
                {
                    return badLimit;
                }

                // The store's own first-reply target per priority unless the caller asks for one target for all.
                var store = (await handler.LoadAsync(StoreDecider.Decider, StreamIds.Store(storeId), cancellationToken: ct)).State;
                // A target beyond the API's range can only come of an older build's policy: hold it to the range.
                static TimeSpan Held(int seconds) => TimeSpan.FromSeconds(Math.Clamp(seconds, 1, QueryRanges.MaxSlaSeconds));
                var byPriority = slaSeconds is null ? ConversationQueries.FirstReplyTargets(store, QueryRanges.MaxSlaSeconds) : null;
                return Results.Ok(await conversations.GetQueueAsync(
                    stores, clock.GetUtcNow(), Held(slaSeconds ?? store.Sla.FirstReplySeconds), agentId, atRiskShare, limit, byPriority, ct));
            })
            .WithSummary("Open conversations waiting for a human: VIP, then urgent, then normal, each longest wait first, with SLA at-risk / breached flags against the priority's first-reply target.")
            .WithTags("Conversations").Produces<List<QueuedConversation>>().ProducesValidationProblem().ProducesProblem(404);
    }
}
