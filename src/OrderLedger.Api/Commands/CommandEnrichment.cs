using OrderLedger.Domain.Conversations;
using OrderLedger.ReadModels;

namespace OrderLedger.Api.Commands;

/// <summary>
/// Outside facts a command needs that the caller need not send. Starting a conversation about an order looks up the
/// customer's other open conversations about the same order in the <c>conversations</c> read model (a second unresolved
/// contact about one order is escalated at once), unless the body lists them; starting one about no order looks up the
/// customer's open conversations about no order of the last seven days (the same problem, by the same rule).
/// </summary>
public sealed class CommandEnrichment(ConversationQueries conversations)
{
    public async Task<object> EnrichAsync(object command, CancellationToken cancellationToken) => command switch
    {
        StartConversation { OrderId: { Length: > 0 } orderId, UnresolvedAboutSameOrder.Count: 0 } start => start with
        {
            UnresolvedAboutSameOrder =
            [
                .. (await conversations.ListForCustomerAsync([start.StoreId], start.CustomerId, 200, cancellationToken))
                    .Where(c => c.OrderId == orderId && c.Status == "open" && c.ConversationId != start.ConversationId)
                    .Select(c => c.ConversationId),
            ],
        },
        StartConversation { OrderId: null or "" } start => start with
        {
            RecentUnresolvedWithoutOrder =
            [
                .. (await conversations.ListForCustomerAsync([start.StoreId], start.CustomerId, 200, cancellationToken))
                    .Where(c => c.OrderId is null && c.Status == "open" && c.ConversationId != start.ConversationId
                        && c.StartedAt >= start.OccurredAt.AddDays(-ConversationDecider.RepeatContactDays) && c.StartedAt <= start.OccurredAt)
                    .Select(c => c.ConversationId),
            ],
        },
        _ => command,
    };
}
