using OrderLedger.Application.CommandHandling;
using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Stores;
using OrderLedger.ReadModels;

namespace OrderLedger.Api.Commands;

/// <summary>
/// A customer's standing in a store at a moment: the store's VIP rule and the member level it set for the customer (the
/// store's stream) and the customer's net paid amount (paid − refunded) over the 12 months before (the <c>orders</c>
/// read model). Conversations take their priority from it; the workstation shows it as the buyer's tier.
/// </summary>
public sealed class CustomerStandings(OrderQueries orders, CommandHandler handler)
{
    /// <summary>How far back a customer's payments count toward the VIP amount.</summary>
    public const int VipPaymentMonths = 12;

    /// <summary>
    /// The standing at <paramref name="at"/>; null when the store has no VIP rule and <paramref name="evenWithoutRule"/> is
    /// false. The payments are summed only when the rule has an amount or <paramref name="evenWithoutRule"/> asks for them.
    /// </summary>
    public async Task<CustomerStanding?> OfAsync(string storeId, string customerId, DateTimeOffset at, bool evenWithoutRule, CancellationToken cancellationToken)
    {
        var store = (await handler.LoadAsync(StoreDecider.Decider, StreamIds.Store(storeId), cancellationToken: cancellationToken)).State;
        if (store.VipRule.IsEmpty && !evenWithoutRule)
        {
            return null;
        }

        var paid = store.VipRule.MinPaidLast12Months is null && !evenWithoutRule
            ? 0m
            : await orders.GetNetPaidAsync(storeId, customerId, at.AddMonths(-VipPaymentMonths), at, cancellationToken);
        return new CustomerStanding(paid, store.MemberLevels.GetValueOrDefault(customerId), store.VipRule);
    }
}
