using OrderLedger.Application.CommandHandling;
using OrderLedger.Domain;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Stores;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Application.Refunds;

/// <summary>
/// Refund commands. A request is first claimed against the order's refund ledger (which keeps refunds ≤ paid per
/// line and per order, race-free through the order stream's expected revision), then recorded on the refund stream
/// with what the auto-refund rule needs (payment time, the store's window, whether anything was handed over).
/// Rejecting a refund frees its claim. Approving a return takes the return address from the store's policy. A return
/// parcel's tracking number is claimed on the store (unique there), so a scan finds its refund; a passed inspection
/// restocks the returned units and, when the store allows it, pays the refund by rule.
/// </summary>
public sealed class RefundWorkflow(CommandHandler handler)
{
    /// <summary>Claims the return parcel's tracking number on the refund's store (one refund per number), then records the shipping.</summary>
    public async Task<CommandOutcome> RecordReturnShippedAsync(RecordReturnShipped command, CommandContext context, CancellationToken cancellationToken = default)
    {
        var stream = StreamIds.Refund(command.RefundId);
        var refund = (await handler.LoadAsync(RefundDecider.Decider, stream, cancellationToken: cancellationToken)).State;
        if (refund.Status == RefundStatus.None || refund.Kind != RefundKind.ReturnAndRefund)
        {
            return CommandOutcome.From(await handler.HandleAsync(RefundDecider.Decider, stream, command, context, cancellationToken));
        }

        var storeStream = StreamIds.Store(refund.StoreId);
        var claim = new ClaimReturnTracking(refund.StoreId, command.TrackingNumber, command.RefundId, command.OccurredAt);
        if ((await handler.CheckAsync(RefundDecider.Decider, stream, command, context, cancellationToken)
             ?? await handler.CheckAsync(StoreDecider.Decider, storeStream, claim, context.Step("tracking"), cancellationToken)) is { } refused)
        {
            return new CommandOutcome([], refused);
        }

        var claimed = await handler.HandleAsync(StoreDecider.Decider, storeStream, claim, context.Step("tracking"), cancellationToken);
        if (!claimed.IsSuccess)
        {
            return CommandOutcome.From(claimed);
        }

        var shipped = await handler.HandleAsync(RefundDecider.Decider, stream, command, context, cancellationToken);
        return new CommandOutcome([claimed.Change, shipped.Change], shipped.Error);
    }

    /// <summary>Finds the refund by the scanned tracking number in the store (<see cref="StoreDecider.FindReturn"/>), then records the receipt on it.</summary>
    public async Task<CommandOutcome> ScanAsync(ScanReturn command, CommandContext context, CancellationToken cancellationToken = default)
    {
        var storeStream = StreamIds.Store(command.StoreId);
        if (await handler.CheckAsync(StoreDecider.Decider, storeStream, command, context, cancellationToken) is { } unknown)
        {
            return new CommandOutcome([], unknown);
        }

        var store = (await handler.LoadAsync(StoreDecider.Decider, storeStream, cancellationToken: cancellationToken)).State;
        var refundId = store.RefundOfReturn(command.TrackingNumber)!;
        return CommandOutcome.From(await handler.HandleAsync(
            RefundDecider.Decider, StreamIds.Refund(refundId), new ReceiveReturn(refundId, command.TrackingNumber, command.OccurredAt), context, cancellationToken));
    }

    /// <summary>
    /// Records the inspection; a passed one puts the returned units back on hand (<c>stock-restocked</c>, in the warehouse
    /// the command names, else the one that shipped each line) and, when the store pays passed returns by rule
    /// (<see cref="StoreState.PayPassedReturns"/>), pays the refund. A failed one restocks nothing and waits for an agent.
    /// Also on a repeat, so an inspection whose follow-up steps died half-way is completed by retrying it.
    /// </summary>
    public async Task<CommandOutcome> InspectAsync(InspectReturn command, CommandContext context, CancellationToken cancellationToken = default)
    {
        var stream = StreamIds.Refund(command.RefundId);
        var loaded = await handler.LoadAsync(RefundDecider.Decider, stream, context.CommandId, cancellationToken);
        var refund = loaded.State;
        if (refund.Status == RefundStatus.None)
        {
            return CommandOutcome.From(await handler.HandleAsync(RefundDecider.Decider, stream, command, context, cancellationToken));
        }

        var order = (await handler.LoadAsync(OrderDecider.Decider, StreamIds.Order(refund.OrderId), cancellationToken: cancellationToken)).State;
        var store = (await handler.LoadAsync(StoreDecider.Decider, StreamIds.Store(refund.StoreId), cancellationToken: cancellationToken)).State;
        if (command.WarehouseId is { } named && store.Warehouses.All(w => w.WarehouseId != named))
        {
            return new CommandOutcome([], DomainError.Invalid("refund.warehouse-not-of-store", $"Warehouse {named} is not one of the store's warehouses."));
        }

        var restocks = Restocks(refund, order, command);
        if (loaded.EventsOfCommand.Count == 0 && refund.Status == RefundStatus.ReturnReceived)
        {
            if (await handler.CheckAsync(RefundDecider.Decider, stream, command, context, cancellationToken) is { } refused)
            {
                return new CommandOutcome([], refused);
            }

            foreach (var restock in command.Passed ? restocks : [])
            {
                if (await handler.CheckAsync(StockDecider.Decider, StreamIds.Stock(restock.WarehouseId, restock.Sku), restock, RestockStep(context, restock), cancellationToken) is { } refusedRestock)
                {
                    return new CommandOutcome([], refusedRestock);
                }
            }
        }

        var inspected = await handler.HandleAsync(RefundDecider.Decider, stream, command, context, cancellationToken);
        if (!inspected.IsSuccess || inspected.State is not { Status: RefundStatus.ReturnInspected or RefundStatus.Paid, InspectionPassed: true })
        {
            return CommandOutcome.From(inspected);
        }

        var changes = new List<StreamChange> { inspected.Change };
        foreach (var restock in restocks)
        {
            var restocked = await handler.HandleAsync(StockDecider.Decider, StreamIds.Stock(restock.WarehouseId, restock.Sku), restock, RestockStep(context, restock), cancellationToken);
            changes.Add(restocked.Change);
            if (!restocked.IsSuccess)
            {
                return new CommandOutcome(changes, restocked.Error);
            }
        }

        if (store.PayPassedReturns)
        {
            var paid = await handler.HandleAsync(
                RefundDecider.Decider, stream, new PayRefund(command.RefundId, RefundDecider.RulePaymentReference(command.RefundId), command.OccurredAt), context.Step("pay"), cancellationToken);
            changes.Add(paid.Change);
            return new CommandOutcome(changes, paid.Error);
        }

        return new CommandOutcome(changes, null);
    }

    /// <summary>
    /// A refund by rule of another workflow (a refused parcel): claimed on the order, requested and approved at once on
    /// its refund stream, then paid (reference <see cref="RefundDecider.RulePaymentReference"/>). Each step is idempotent by its step id.
    /// </summary>
    public async Task<CommandOutcome> RefundByRuleAsync(RefundRefusedDelivery command, CommandContext context, CancellationToken cancellationToken = default)
    {
        var orderStream = StreamIds.Order(command.OrderId);
        var claim = await handler.HandleAsync(
            OrderDecider.Decider, orderStream, new ClaimRefund(command.OrderId, command.RefundId, command.Lines, command.OccurredAt), context.Step("claim"), cancellationToken);
        if (!claim.IsSuccess)
        {
            return CommandOutcome.From(claim);
        }

        var stream = StreamIds.Refund(command.RefundId);
        var requested = await handler.HandleAsync(RefundDecider.Decider, stream, command, context, cancellationToken);
        if (!requested.IsSuccess)
        {
            var release = await handler.HandleAsync(
                OrderDecider.Decider, orderStream, new ReleaseRefundClaim(command.OrderId, command.RefundId, command.OccurredAt), context.Step("unclaim"), cancellationToken);
            return new CommandOutcome([claim.Change, requested.Change, release.Change], requested.Error);
        }

        var paid = await handler.HandleAsync(
            RefundDecider.Decider, stream, new PayRefund(command.RefundId, RefundDecider.RulePaymentReference(command.RefundId), command.OccurredAt), context.Step("pay"), cancellationToken);
        return new CommandOutcome([claim.Change, requested.Change, paid.Change], paid.Error);
    }

    /// <summary>The refund by rule's first steps, decided before anything of the calling workflow is appended.</summary>
    public async Task<DomainError?> CheckRefundByRuleAsync(RefundRefusedDelivery command, CommandContext context, CancellationToken cancellationToken = default) =>
        await handler.CheckAsync(RefundDecider.Decider, StreamIds.Refund(command.RefundId), command, context, cancellationToken)
        ?? await handler.CheckAsync(
            OrderDecider.Decider, StreamIds.Order(command.OrderId), new ClaimRefund(command.OrderId, command.RefundId, command.Lines, command.OccurredAt), context.Step("claim"), cancellationToken);

    /// <summary>The returned units per SKU, each to the named warehouse or else the one the order allocated the line to.</summary>
    private static IReadOnlyList<RestockUnits> Restocks(RefundState refund, OrderState order, InspectReturn command) =>
        [.. refund.Lines.Where(l => l.Quantity > 0).GroupBy(l => l.Sku, StringComparer.Ordinal)
            .Select(g => (Sku: g.Key, Units: g.Sum(l => l.Quantity), Warehouse: command.WarehouseId ?? order.Allocation.FirstOrDefault(a => a.Sku == g.Key)?.WarehouseId
                ?? order.HandedOverShipments.Values.FirstOrDefault()))
            .Where(x => x.Warehouse is not null)
            .Select(x => new RestockUnits(x.Warehouse!, x.Sku, x.Units, command.RefundId, RestockReason.ReturnPassedInspection, command.OccurredAt))];

    internal static CommandContext RestockStep(CommandContext context, RestockUnits restock) => context.Step($"restock/{restock.WarehouseId}.{restock.Sku}");

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
