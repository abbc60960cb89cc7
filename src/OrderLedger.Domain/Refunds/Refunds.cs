using System.Collections.Immutable;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Stores;

namespace OrderLedger.Domain.Refunds;

// ---- Commands ----------------------------------------------------------------------------------------------

public abstract record RefundCommand(string RefundId) : IDomainCommand
{
    public abstract DateTimeOffset OccurredAt { get; init; }
}

/// <param name="AutoApproval">
/// What the auto-refund rule needs, gathered by the handler from the order and store streams; null = no automatic approval.
/// The amounts themselves are checked against what was paid by the order's refund ledger (<see cref="ClaimRefund"/>) first.
/// </param>
public sealed record RequestRefund(
    string RefundId,
    string OrderId,
    string StoreId,
    string CustomerId,
    RefundKind Kind,
    IReadOnlyList<RefundLine> Lines,
    string Reason,
    [property: LookedUp] AutoRefundContext? AutoApproval,
    DateTimeOffset OccurredAt) : RefundCommand(RefundId)
{
    /// <summary>
    /// Who asked: only a customer's own request may be approved by rule (separation of duties: staff must not be able
    /// to pay out money alone by setting a window and requesting). Unknown counts as staff, so nothing pays out by default.
    /// </summary>
    public RefundRequester RequestedBy { get; init; } = RefundRequester.Staff;
}

/// <summary>Whose request a refund is: the customer's (directly, or relayed by a channel connector) or a member of staff's.</summary>
public enum RefundRequester
{
    Staff,
    Customer,
}

/// <param name="WindowStartsAt">When the window starts: the order's placement, or its payment when the store chose that (<see cref="AutoRefundBasis"/>).</param>
/// <param name="WindowHours">The store's auto-refund window; 0 = off.</param>
/// <param name="HandedToCarrier">Whether any shipment of the order already left with the carrier.</param>
public sealed record AutoRefundContext(DateTimeOffset WindowStartsAt, int WindowHours, bool HandedToCarrier);

/// <param name="ReturnAddresses">The store's return-address policy; needed for return-and-refund.</param>
/// <param name="CategoryBySku">Product categories of the refunded lines (from the order), for category-level return addresses.</param>
public sealed record ApproveRefund(
    string RefundId,
    string ApprovedBy,
    [property: LookedUp] ReturnAddressPolicy? ReturnAddresses,
    [property: LookedUp] IReadOnlyDictionary<string, string>? CategoryBySku,
    DateTimeOffset OccurredAt) : RefundCommand(RefundId);

public sealed record RejectRefund(string RefundId, string RejectedBy, string Reason, DateTimeOffset OccurredAt) : RefundCommand(RefundId);

public sealed record RecordReturnShipped(string RefundId, string Carrier, string TrackingNumber, DateTimeOffset OccurredAt) : RefundCommand(RefundId);

/// <summary>The warehouse scanned the tracking number of an incoming return parcel.</summary>
public sealed record ReceiveReturn(string RefundId, string ScannedTrackingNumber, DateTimeOffset OccurredAt) : RefundCommand(RefundId);

public sealed record InspectReturn(string RefundId, bool Passed, string InspectorId, string Note, DateTimeOffset OccurredAt) : RefundCommand(RefundId)
{
    /// <summary>The warehouse that received the return, where passed units go back on hand; null = the warehouse that shipped each line.</summary>
    public string? WarehouseId { get; init; }
}

/// <summary>
/// A step of <c>ReceiveReturnedShipment</c> only: the buyer refused the parcel and it is back at the warehouse, so its
/// lines are refunded by rule (requested and approved at once; the workflow then pays it).
/// </summary>
public sealed record RefundRefusedDelivery(
    string RefundId, string OrderId, string StoreId, string CustomerId, string ShipmentId, IReadOnlyList<RefundLine> Lines, DateTimeOffset OccurredAt) : RefundCommand(RefundId);

public sealed record PayRefund(string RefundId, string PaymentReference, DateTimeOffset OccurredAt) : RefundCommand(RefundId);

public sealed record OpenDispute(string RefundId, string OpenedBy, string Reason, DateTimeOffset OccurredAt) : RefundCommand(RefundId);

public sealed record JudgeDispute(string RefundId, bool MerchantAtFault, string JudgedBy, string Note, DateTimeOffset OccurredAt) : RefundCommand(RefundId);

public enum RefundKind
{
    RefundOnly,
    ReturnAndRefund,
}

// ---- Events ------------------------------------------------------------------------------------------------

/// <summary>
/// A fact on a refund's stream, <c>refund-{RefundId}</c>. Every event of the family carries the id; each event's
/// positional parameter overrides the abstract property, which keeps the JSON as it was (docs/domain.md, "event ids").
/// </summary>
public abstract record RefundEvent
{
    public abstract string RefundId { get; init; }
}

public sealed record RefundRequested(
    string RefundId,
    string OrderId,
    string StoreId,
    string CustomerId,
    RefundKind Kind,
    IReadOnlyList<RefundLine> Lines,
    decimal Amount,
    string Reason,
    DateTimeOffset OccurredAt) : RefundEvent, IStoreScoped;

/// <param name="ByRule">True when approved automatically by the store's auto-refund window.</param>
public sealed record RefundApproved(string RefundId, string OrderId, bool ByRule, string ApprovedBy, DateTimeOffset OccurredAt) : RefundEvent;

public sealed record RefundRejected(string RefundId, string OrderId, string RejectedBy, string Reason, DateTimeOffset OccurredAt) : RefundEvent;

public sealed record RefundReturnAddressAssigned(string RefundId, PostalAddress Address, DateTimeOffset OccurredAt) : RefundEvent;

public sealed record RefundReturnShipped(string RefundId, string Carrier, string TrackingNumber, DateTimeOffset OccurredAt) : RefundEvent;

public sealed record RefundReturnReceived(string RefundId, string TrackingNumber, DateTimeOffset OccurredAt) : RefundEvent;

public sealed record RefundReturnInspected(string RefundId, bool Passed, string InspectorId, string Note, DateTimeOffset OccurredAt) : RefundEvent;

public sealed record RefundPaid(string RefundId, string OrderId, decimal Amount, string PaymentReference, DateTimeOffset OccurredAt) : RefundEvent;

public sealed record RefundDisputeOpened(string RefundId, string OrderId, string OpenedBy, string Reason, DateTimeOffset OccurredAt) : RefundEvent;

public sealed record RefundDisputeJudged(string RefundId, string OrderId, bool MerchantAtFault, string JudgedBy, string Note, DateTimeOffset OccurredAt) : RefundEvent;

// ---- State -------------------------------------------------------------------------------------------------

public enum RefundStatus
{
    None,
    Requested,
    Approved,
    ReturnShipped,
    ReturnReceived,
    ReturnInspected,
    Paid,
    Rejected,
}

public sealed record RefundState(
    RefundStatus Status,
    string RefundId,
    string OrderId,
    string StoreId,
    RefundKind Kind,
    ImmutableList<RefundLine> Lines,
    decimal Amount,
    PostalAddress? ReturnAddress,
    string? ReturnTrackingNumber,
    bool? InspectionPassed,
    bool DisputeOpen,
    int DisputesJudged) : IStoreScoped
{
    public static RefundState Initial { get; } = new(RefundStatus.None, "", "", "", RefundKind.RefundOnly, [], 0m, null, null, null, false, 0);
}

// ---- Decider -----------------------------------------------------------------------------------------------

/// <summary>A refund (stream <c>refund-{refundId}</c>): request, approval (by rule or agent), the return leg, payment, disputes.</summary>
public static class RefundDecider
{
    public const string AutoApprover = "auto-refund-window";

    /// <summary>Who approves the refund of a parcel the buyer refused: the store's refused-delivery rule.</summary>
    public const string RefusedDeliveryApprover = "refused-delivery";

    public static Decider<RefundCommand, RefundEvent, RefundState> Decider { get; } = new(Decide, Evolve, RefundState.Initial);

    public static Decision<RefundEvent> Decide(RefundCommand command, RefundState state) => (command, state.Status) switch
    {
        (RequestRefund c, RefundStatus.None) => Request(c),
        (RequestRefund c, _) when c.OrderId == state.OrderId && c.Lines.SequenceEqual(state.Lines) => Decision<RefundEvent>.Nothing,
        (RequestRefund c, _) => DomainError.Conflict("refund.already-requested", $"Refund {c.RefundId} was already requested for order {state.OrderId}."),
        (RefundRefusedDelivery c, RefundStatus.None) => RefundRefused(c),
        (RefundRefusedDelivery c, _) when c.OrderId == state.OrderId && c.Lines.SequenceEqual(state.Lines) => Decision<RefundEvent>.Nothing,
        (RefundRefusedDelivery c, _) => DomainError.Conflict("refund.already-requested", $"Refund {c.RefundId} was already requested for order {state.OrderId}."),
        (_, RefundStatus.None) => DomainError.Conflict("refund.not-found", $"Refund {command.RefundId} was not requested."),

        (ApproveRefund c, RefundStatus.Requested) => Approve(c, state),
        (ApproveRefund, RefundStatus.Rejected) => DomainError.Conflict("refund.rejected", "The refund was rejected."),
        (ApproveRefund, _) => Decision<RefundEvent>.Nothing,

        (RejectRefund, RefundStatus.Rejected) => Decision<RefundEvent>.Nothing,
        (RejectRefund, RefundStatus.Paid) => DomainError.Conflict("refund.already-paid", "The refund was already paid."),
        (RejectRefund c, _) => new RefundRejected(c.RefundId, state.OrderId, c.RejectedBy, c.Reason, c.OccurredAt),

        (RecordReturnShipped, _) when state.Kind != RefundKind.ReturnAndRefund => NoReturnLeg(),
        (RecordReturnShipped c, RefundStatus.Approved) => string.IsNullOrWhiteSpace(c.TrackingNumber)
            ? DomainError.Invalid("refund.tracking-required", "A return parcel needs its tracking number.")
            : new RefundReturnShipped(c.RefundId, c.Carrier, c.TrackingNumber, c.OccurredAt),
        (RecordReturnShipped c, RefundStatus.ReturnShipped) when c.TrackingNumber == state.ReturnTrackingNumber => Decision<RefundEvent>.Nothing,
        (RecordReturnShipped, RefundStatus.Requested) => NotApproved(),
        (RecordReturnShipped, _) => WrongStep(state, "ship the return"),

        (ReceiveReturn, _) when state.Kind != RefundKind.ReturnAndRefund => NoReturnLeg(),
        (ReceiveReturn c, RefundStatus.ReturnShipped) => string.Equals(c.ScannedTrackingNumber.Trim(), state.ReturnTrackingNumber, StringComparison.OrdinalIgnoreCase)
            ? new RefundReturnReceived(c.RefundId, state.ReturnTrackingNumber!, c.OccurredAt)
            : DomainError.Conflict("refund.return-tracking-mismatch", $"Scanned tracking number {c.ScannedTrackingNumber} is not this refund's return parcel."),
        (ReceiveReturn c, RefundStatus.ReturnReceived or RefundStatus.ReturnInspected or RefundStatus.Paid)
            when string.Equals(c.ScannedTrackingNumber.Trim(), state.ReturnTrackingNumber, StringComparison.OrdinalIgnoreCase) => Decision<RefundEvent>.Nothing,
        (ReceiveReturn, _) => WrongStep(state, "receive the return"),

        (InspectReturn c, RefundStatus.ReturnReceived) => new RefundReturnInspected(c.RefundId, c.Passed, c.InspectorId, c.Note, c.OccurredAt),
        (InspectReturn, RefundStatus.ReturnInspected) => Decision<RefundEvent>.Nothing,
        (InspectReturn, _) => WrongStep(state, "inspect the return"),

        (PayRefund c, RefundStatus.Approved) when state.Kind == RefundKind.RefundOnly => Pay(c, state),
        (PayRefund c, RefundStatus.ReturnInspected) when state.InspectionPassed == true => Pay(c, state),
        (PayRefund, RefundStatus.ReturnInspected) => DomainError.Conflict("refund.inspection-failed", "The returned goods failed inspection; reject the refund or open a dispute."),
        (PayRefund, RefundStatus.Approved or RefundStatus.ReturnShipped or RefundStatus.ReturnReceived) =>
            DomainError.Conflict("refund.return-not-inspected", "A return-and-refund is paid once the return is received and inspected."),
        (PayRefund, RefundStatus.Paid) => Decision<RefundEvent>.Nothing,
        (PayRefund, RefundStatus.Requested) => NotApproved(),
        (PayRefund, _) => WrongStep(state, "pay the refund"),

        (OpenDispute, _) when state.DisputeOpen => Decision<RefundEvent>.Nothing,
        (OpenDispute c, _) => new RefundDisputeOpened(c.RefundId, state.OrderId, c.OpenedBy, c.Reason, c.OccurredAt),

        (JudgeDispute c, _) when state.DisputeOpen => new RefundDisputeJudged(c.RefundId, state.OrderId, c.MerchantAtFault, c.JudgedBy, c.Note, c.OccurredAt),
        (JudgeDispute, _) => DomainError.Conflict("refund.no-open-dispute", "There is no open dispute to judge."),

        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown refund command."),
    };

    public static RefundState Evolve(RefundState state, RefundEvent @event) => @event switch
    {
        RefundRequested e => state with { Status = RefundStatus.Requested, RefundId = e.RefundId, OrderId = e.OrderId, StoreId = e.StoreId, Kind = e.Kind, Lines = [.. e.Lines], Amount = e.Amount },
        RefundApproved => state with { Status = RefundStatus.Approved },
        RefundRejected => state with { Status = RefundStatus.Rejected },
        RefundReturnAddressAssigned e => state with { ReturnAddress = e.Address },
        RefundReturnShipped e => state with { Status = RefundStatus.ReturnShipped, ReturnTrackingNumber = e.TrackingNumber },
        RefundReturnReceived => state with { Status = RefundStatus.ReturnReceived },
        RefundReturnInspected e => state with { Status = RefundStatus.ReturnInspected, InspectionPassed = e.Passed },
        RefundPaid => state with { Status = RefundStatus.Paid },
        RefundDisputeOpened => state with { DisputeOpen = true },
        RefundDisputeJudged => state with { DisputeOpen = false, DisputesJudged = state.DisputesJudged + 1 },
        _ => state,
    };

    /// <summary>
    /// The auto-refund rule (brief §2): a refund-only request of the customer, made within the store's window after
    /// placement (or payment, as the store chose), before anything was handed to the carrier, is approved at once. Everything else waits for an agent; a
    /// request made by staff always does, so that no one pays money out alone.
    /// </summary>
    public static bool QualifiesForAutoApproval(RefundKind kind, RefundRequester requestedBy, AutoRefundContext? context, DateTimeOffset requestedAt) =>
        kind == RefundKind.RefundOnly
        && requestedBy == RefundRequester.Customer
        && context is { WindowHours: > 0, HandedToCarrier: false }
        && requestedAt <= context.WindowStartsAt.AddHours(context.WindowHours);

    private static Decision<RefundEvent> Request(RequestRefund c)
    {
        if (c.Lines.Count == 0 || c.Lines.Any(l => l.Amount <= 0 || l.Quantity < 0))
        {
            return DomainError.Invalid("refund.lines-invalid", "A refund names at least one line; amounts are positive and quantities not negative.");
        }

        if (c.Kind == RefundKind.ReturnAndRefund && c.Lines.Any(l => l.Quantity == 0))
        {
            return DomainError.Invalid("refund.return-quantity-required", "A return-and-refund says how many units of each line come back.");
        }

        var requested = new RefundRequested(c.RefundId, c.OrderId, c.StoreId, c.CustomerId, c.Kind, c.Lines, c.Lines.Sum(l => l.Amount), c.Reason, c.OccurredAt);
        return QualifiesForAutoApproval(c.Kind, c.RequestedBy, c.AutoApproval, c.OccurredAt)
            ? new RefundEvent[] { requested, new RefundApproved(c.RefundId, c.OrderId, true, AutoApprover, c.OccurredAt) }
            : requested;
    }

    /// <summary>The payment reference of a refund paid by rule (the auto-refund reactor, a refused parcel, a passed return).</summary>
    public static string RulePaymentReference(string refundId) => $"auto-{refundId}";

    /// <summary>The reason recorded on the refund of a refused parcel.</summary>
    public static string RefusedDeliveryReason(string shipmentId) => $"refused-delivery {shipmentId}";

    private static Decision<RefundEvent> RefundRefused(RefundRefusedDelivery c) =>
        c.Lines.Count == 0 || c.Lines.Any(l => l.Amount <= 0 || l.Quantity < 0)
            ? DomainError.Invalid("refund.lines-invalid", "A refund names at least one line; amounts are positive and quantities not negative.")
            : new RefundEvent[]
            {
                new RefundRequested(c.RefundId, c.OrderId, c.StoreId, c.CustomerId, RefundKind.RefundOnly, c.Lines, c.Lines.Sum(l => l.Amount), RefusedDeliveryReason(c.ShipmentId), c.OccurredAt),
                new RefundApproved(c.RefundId, c.OrderId, true, RefusedDeliveryApprover, c.OccurredAt),
            };

    private static Decision<RefundEvent> Approve(ApproveRefund c, RefundState state)
    {
        var approved = new RefundApproved(c.RefundId, state.OrderId, false, c.ApprovedBy, c.OccurredAt);
        if (state.Kind == RefundKind.RefundOnly)
        {
            return approved;
        }

        var policy = c.ReturnAddresses ?? ReturnAddressPolicy.Empty;
        var addresses = state.Lines
            .Select(l => (l.Sku, Address: policy.Resolve(l.Sku, c.CategoryBySku?.GetValueOrDefault(l.Sku))))
            .ToList();
        var missing = addresses.Where(a => a.Address is null).Select(a => new LineFault(a.Sku, 0, 0, "no-return-address")).ToList();
        if (missing.Count > 0)
        {
            return new DomainError("refund.return-address-missing", "The store has no return address for some lines (set one per product, category or a default).", missing);
        }

        var distinct = addresses.Select(a => a.Address!).Distinct().ToList();
        return distinct.Count > 1
            ? DomainError.Conflict("refund.return-addresses-differ", "The lines go back to different addresses; request one refund per return address.")
            : new RefundEvent[] { approved, new RefundReturnAddressAssigned(c.RefundId, distinct[0], c.OccurredAt) };
    }

    private static Decision<RefundEvent> Pay(PayRefund c, RefundState state) =>
        string.IsNullOrWhiteSpace(c.PaymentReference)
            ? DomainError.Invalid("refund.payment-reference-required", "A refund payment carries the payment provider's reference.")
            : new RefundPaid(c.RefundId, state.OrderId, state.Amount, c.PaymentReference, c.OccurredAt);

    private static DomainError NoReturnLeg() => DomainError.Conflict("refund.no-return", "A refund-only request has no return parcel.");

    private static DomainError NotApproved() => DomainError.Conflict("refund.not-approved", "The refund is not approved yet.");

    private static DomainError WrongStep(RefundState state, string step) =>
        DomainError.Conflict($"refund.{Kebab(state.Status)}", $"The refund is {Kebab(state.Status)}; cannot {step} now.");

    private static string Kebab(RefundStatus status) => status switch
    {
        RefundStatus.ReturnShipped => "return-shipped",
        RefundStatus.ReturnReceived => "return-received",
        RefundStatus.ReturnInspected => "return-inspected",
        _ => status.ToString().ToLowerInvariant(),
    };
}
