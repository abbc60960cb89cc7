using OrderLedger.Application.CommandHandling;
using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Stores;
using OrderLedger.EventStore;
using OrderLedger.ReadModels;

namespace OrderLedger.Api.Commands;

/// <summary>
/// A customer's standing in a store at a moment: the store's VIP rule and the member level it set for the customer (the
/// <c>store_policies</c> read model, or the store's stream when the read model is behind it) and the customer's net paid
/// amount (paid − refunded) over the 12 months before (the <c>orders</c> read model). Conversations take their priority
/// from it; the workstation shows it as the buyer's tier.
/// </summary>
/// <remarks>
/// Read-your-writes for the rule: a VIP rule or member level set just before a conversation starts must decide that
/// conversation's priority, and a read model may not have applied it yet. So the newest revision of the store's stream is
/// read first (one event), then the read model's row; the row is used when it has applied that revision, else the stream
/// is folded as before (docs/read-models.md, <c>store_policies</c>). The payments stay eventual: an order paid a moment
/// ago may not count yet, as before.
/// </remarks>
public sealed class CustomerStandings(OrderQueries orders, StorePolicyQueries policies, IEventStore store, CommandHandler handler)
{
    /// <summary>How far back a customer's payments count toward the VIP amount.</summary>
    public const int VipPaymentMonths = 12;

    /// <summary>
    /// The standing a conversation started at <paramref name="at"/> takes its priority from; null when the store has no
    /// VIP rule (nobody is a VIP). The payments are summed only when the rule has an amount.
    /// </summary>
    public async Task<CustomerStanding?> ForPriorityAsync(string storeId, string customerId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var (rule, level) = await PolicyAsync(storeId, customerId, cancellationToken);
        if (rule.IsEmpty)
        {
            return null;
        }

        var paid = rule.MinPaidLast12Months is null ? 0m : await PaidAsync(storeId, customerId, at, cancellationToken);
        return new CustomerStanding(paid, level, rule);
    }

    /// <summary>The buyer's standing at <paramref name="at"/> as the profile shows it: the payments summed whatever the rule, none included.</summary>
    public async Task<CustomerStanding> ForProfileAsync(string storeId, string customerId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var (rule, level) = await PolicyAsync(storeId, customerId, cancellationToken);
        return new CustomerStanding(await PaidAsync(storeId, customerId, at, cancellationToken), level, rule);
    }

    private Task<decimal> PaidAsync(string storeId, string customerId, DateTimeOffset at, CancellationToken cancellationToken) =>
        orders.GetNetPaidAsync(storeId, customerId, at.AddMonths(-VipPaymentMonths), at, cancellationToken);

    private async Task<(VipRule Rule, string? Level)> PolicyAsync(string storeId, string customerId, CancellationToken cancellationToken)
    {
        var streamId = StreamIds.Store(storeId);
        long? newest = null;
        await foreach (var last in store.ReadStreamAsync(streamId, StreamReadOptions.Last(1), cancellationToken))
        {
            newest = checked((long)last.Revision);
        }

        if (newest is null)
        {
            return (VipRule.None, null);    // no such store: nobody's a VIP in it
        }

        // The head was read first, so a row at or past it has everything committed before this request began.
        if (await policies.GetForCustomerAsync(storeId, customerId, cancellationToken) is { } facts && facts.StreamRevision >= newest)
        {
            return (facts.VipRule, facts.MemberLevel);
        }

        var state = (await handler.LoadAsync(StoreDecider.Decider, streamId, cancellationToken: cancellationToken)).State;
        return (state.VipRule, state.MemberLevels.GetValueOrDefault(customerId));
    }
}
