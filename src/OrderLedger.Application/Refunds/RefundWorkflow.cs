using OrderLedger.Application.CommandHandling;
using OrderLedger.Domain;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Stores;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Application.Refunds;

/// <summary>
/// Refund commands. A request is first claimed against the order's refund ledger (which keeps refunds ≤ paid per
/// line and per order, race-free through the order stream's expected revision), then recorded on the refund stream
/// with what the auto-refund rule needs (payment time, the store's window, whether anything was handed over).
/// Rejecting a refund frees its claim. Approving a return takes the return address from the store's policy.
/// </summary>
public sealed class RefundWorkflow(CommandHandler handler)
{
    /// <summary>Approves with the return-address policy of the refund's store and the categories of its order's lines, unless the command brings them.</summary>
    public async Task<CommandOutcome> ApproveAsync(ApproveRefund command, CommandContext context, CancellationToken cancellationToken = default)
    {
        var stream = StreamIds.Refund(command.RefundId);
        var refund = (await handler.LoadAsync(RefundDecider.Decider, stream, cancellationToken: cancellationToken)).State;
        if (refund.Status != RefundStatus.None)
        {
            var store = (await handler.LoadAsync(StoreDecider.Decider, StreamIds.Store(refund.StoreId), cancellationToken: cancellationToken)).State;
            var order = (await handler.LoadAsync(OrderDecider.Decider, StreamIds.Order(refund.OrderId), cancellationToken: cancellationToken)).State;
            command = command with
            {
                ReturnAddresses = command.ReturnAddresses ?? store.ReturnAddresses,
                CategoryBySku = command.CategoryBySku ?? order.Lines.Where(l => l.Category is not null).ToDictionary(l => l.Sku, l => l.Category!, StringComparer.Ordinal),
            };
        }

        return CommandOutcome.From(await handler.HandleAsync(RefundDecider.Decider, stream, command, context, cancellationToken));
    }

    /// <summary>Rejects the refund, then frees its claim on the order.</summary>
    public async Task<CommandOutcome> RejectAsync(RejectRefund command, CommandContext context, CancellationToken cancellationToken = default)
    {
        var stream = StreamIds.Refund(command.RefundId);
        // The refund's own rule first, then the release of its claim: either refusal leaves both streams as they were.
        if ((await handler.CheckAsync(RefundDecider.Decider, stream, command, context, cancellationToken)
             ?? await CheckReleaseAsync(stream, command, context, cancellationToken)) is { } refused)
        {
            return new CommandOutcome([], refused);
        }

        var rejected = await handler.HandleAsync(RefundDecider.Decider, stream, command, context, cancellationToken);
        if (!rejected.IsSuccess || rejected.State.Status != RefundStatus.Rejected)
        {
            return CommandOutcome.From(rejected);
        }

        var release = await handler.HandleAsync(
            OrderDecider.Decider,
            StreamIds.Order(rejected.State.OrderId),
            new ReleaseRefundClaim(rejected.State.OrderId, command.RefundId, command.OccurredAt),
            context.Step("release-claim"),
            cancellationToken);
        return new CommandOutcome([rejected.Change, release.Change], release.Error);
    }

    /// <summary>Rejecting a refund frees its claim on the order; checked first, so a refusal there leaves the refund as it was.</summary>
    private async Task<DomainError?> CheckReleaseAsync(string stream, RejectRefund command, CommandContext context, CancellationToken cancellationToken)
    {
        var refund = (await handler.LoadAsync(RefundDecider.Decider, stream, cancellationToken: cancellationToken)).State;
        return refund.Status == RefundStatus.None
            ? null
            : await handler.CheckAsync(
                OrderDecider.Decider,
                StreamIds.Order(refund.OrderId),
                new ReleaseRefundClaim(refund.OrderId, command.RefundId, command.OccurredAt),
                context.Step("release-claim"),
                cancellationToken);
    }

    /// <summary>Claims the amounts on the order, then records the request on the refund stream (with what auto-approval needs).</summary>
    public async Task<CommandOutcome> RequestAsync(RequestRefund command, CommandContext context, CancellationToken cancellationToken = default)
    {
        var orderStream = StreamIds.Order(command.OrderId);
        var order = (await handler.LoadAsync(OrderDecider.Decider, orderStream, cancellationToken: cancellationToken)).State;
        var store = (await handler.LoadAsync(StoreDecider.Decider, StreamIds.Store(order.IsPlaced ? order.StoreId : command.StoreId), cancellationToken: cancellationToken)).State;
        var auto = order.PaidAt is { } paidAt
            ? new AutoRefundContext(store.AutoRefundCountsFrom == AutoRefundBasis.Payment ? paidAt : order.PlacedAt, store.AutoRefundWindowHours, order.AnyHandedOver)
            : null;
        var request = command with { AutoApproval = auto, RequestedBy = RequesterOf(command, context.Actor) };

        // The request is decided before the claim is written, its id too: a refused request leaves the order's ledger untouched.
        var refundStream = StreamIds.Refund(command.RefundId);
        if ((await handler.CheckAsync(RefundDecider.Decider, refundStream, request, context, cancellationToken)
             ?? await handler.CheckIdUnusedElsewhereAsync(refundStream, context, command.StoreId, cancellationToken)) is { } refused)
        {
            return new CommandOutcome([], refused);
        }

        var claim = await handler.HandleAsync(
            OrderDecider.Decider, orderStream, new ClaimRefund(command.OrderId, command.RefundId, command.Lines, command.OccurredAt), context.Step("claim"), cancellationToken);
        if (!claim.IsSuccess)
        {
            return CommandOutcome.From(claim);
        }

        var requested = await handler.HandleAsync(RefundDecider.Decider, refundStream, request, context, cancellationToken);
        if (requested.IsSuccess)
        {
            return new CommandOutcome([claim.Change, requested.Change], null);
        }

        // Only when the refund stream changed between the check and the append (a racing writer): free the claim again.
        var release = await handler.HandleAsync(
            OrderDecider.Decider, orderStream, new ReleaseRefundClaim(command.OrderId, command.RefundId, command.OccurredAt), context.Step("unclaim"), cancellationToken);
        return new CommandOutcome([claim.Change, requested.Change, release.Change], requested.Error);
    }

    /// <summary>
    /// Separation of duties (docs/security.md): a customer or a bot acting for one asks as the customer; an agent always
    /// asks as staff, whatever the command says; a system actor (an API token of the ingest or admin role, the CLI) asks
    /// as the command says, which the API sets from the token's roles.
    /// </summary>
    public static RefundRequester RequesterOf(RequestRefund command, Actor actor) => actor.Kind switch
    {
        ActorKind.Customer or ActorKind.Bot => RefundRequester.Customer,
        ActorKind.Agent => RefundRequester.Staff,
        _ => command.RequestedBy,
    };
}
