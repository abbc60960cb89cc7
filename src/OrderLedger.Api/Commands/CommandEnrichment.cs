using OrderLedger.Application;
using OrderLedger.Domain.Conversations;
using OrderLedger.ReadModels;

namespace OrderLedger.Api.Commands;

/// <summary>
/// Outside facts a command needs that the caller need not send. Starting a conversation about an order looks up the
/// customer's other open conversations about the same order in the <c>conversations</c> read model (a second unresolved
/// contact about one order is escalated at once), unless the body lists them; starting one about no order looks up the
/// customer's open conversations about no order of the last seven days (the same problem, by the same rule). Every
/// start also looks up the customer's standing for its priority: the store's VIP rule and the customer's member level
/// (the <c>store_policies</c> read model, or the store's stream while the read model has not applied its newest event:
/// a rule set just before the start applies to it) and, when the rule has an amount, the customer's net paid amount of the 12 months before the
/// start (the <c>orders</c> read model).
/// </summary>
public sealed class CommandEnrichment(ConversationQueries conversations, CustomerStandings standings) : ICommandEnrichment
{
    public async Task<object> EnrichAsync(object command, CancellationToken cancellationToken) => command switch
    {
        StartConversation start => await WithStandingAsync(await WithRepeatContactsAsync(start, cancellationToken), cancellationToken),
        _ => command,
    };

    private async Task<StartConversation> WithRepeatContactsAsync(StartConversation start, CancellationToken cancellationToken) => start switch
    {
        { OrderId: { Length: > 0 } orderId, UnresolvedAboutSameOrder.Count: 0 } => start with
        {
            UnresolvedAboutSameOrder =
            [
                .. (await conversations.ListForCustomerAsync([start.StoreId], start.CustomerId, 200, cancellationToken))
                    .Where(c => c.OrderId == orderId && c.Status == "open" && c.ConversationId != start.ConversationId && c.ProactiveReason is null)
                    .Select(c => c.ConversationId),
            ],
        },
        { OrderId: null or "" } => start with
        {
            RecentUnresolvedWithoutOrder =
            [
                .. (await conversations.ListForCustomerAsync([start.StoreId], start.CustomerId, 200, cancellationToken))
                    .Where(c => c.OrderId is null && c.Status == "open" && c.ConversationId != start.ConversationId
                        && c.StartedAt >= start.OccurredAt.AddDays(-ConversationDecider.RepeatContactDays) && c.StartedAt <= start.OccurredAt)
                    .Select(c => c.ConversationId),
            ],
        },
        _ => start,
    };

    /// <summary>No look-up of payments when the store's rule has no amount; a store without a VIP rule makes nobody VIP.</summary>
    private async Task<StartConversation> WithStandingAsync(StartConversation start, CancellationToken cancellationToken)
    {
        if (start.Standing is not null || string.IsNullOrWhiteSpace(start.StoreId) || string.IsNullOrWhiteSpace(start.CustomerId))
        {
            return start;
        }

        return await standings.ForPriorityAsync(start.StoreId, start.CustomerId, start.OccurredAt, cancellationToken) is { } standing
            ? start with { Standing = standing }
            : start;
    }
}
