using OrderLedger.Api.Security;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;

namespace OrderLedger.Api.Commands;

/// <summary>
/// Refunds, returns and disputes (stream <c>refund-{refundId}</c>; a request first claims its amounts on the order).
/// People named by a command (approver, inspector…) default to the caller.
/// </summary>
public static class RefundCommands
{
    public static void MapRefundCommands(this IEndpointRouteBuilder api)
    {
        api.MapCommand<RequestRefundBody>("/refunds/{refundId}", "Request a refund (refund-only or return-and-refund) against a paid order.", (b, f) =>
            new RequestRefund(
                f.Route("refundId"), f.Text(b.OrderId), f.Text(b.StoreId), f.Text(b.CustomerId), f.Value(b.Kind), f.List(b.Lines), f.Text(b.Reason), null, f.OccurredAt)
            {
                RequestedBy = SeparationOfDuties.RequesterOf(f.User),
            });
        api.MapCommand<ApproveRefundBody>("/refunds/{refundId}/approval", "Approve a refund (a return gets the store's return address).", (b, f) =>
            new ApproveRefund(f.Route("refundId"), b.ApprovedBy ?? f.Caller, null, null, f.OccurredAt));
        api.MapCommand<RejectRefundBody>("/refunds/{refundId}/rejection", "Reject a refund (frees its claim on the order).", (b, f) =>
            new RejectRefund(f.Route("refundId"), b.RejectedBy ?? f.Caller, f.Text(b.Reason), f.OccurredAt));
        api.MapCommand<ReturnShippedBody>("/refunds/{refundId}/return-shipped", "Record that the customer shipped the return.", (b, f) =>
            new RecordReturnShipped(f.Route("refundId"), f.Text(b.Carrier), f.Text(b.TrackingNumber), f.OccurredAt));
        api.MapCommand<ReturnReceivedBody>("/refunds/{refundId}/return-received", "Record the warehouse's scan of the incoming return.", (b, f) =>
            new ReceiveReturn(f.Route("refundId"), f.Text(b.ScannedTrackingNumber), f.OccurredAt));
        api.MapCommand<InspectionBody>("/refunds/{refundId}/inspection", "Record the return's inspection (passed: restocked, and paid when the store pays passed returns).", (b, f) =>
            new InspectReturn(f.Route("refundId"), f.Value(b.Passed), b.InspectorId ?? f.Caller, b.Note ?? "", f.OccurredAt) { WarehouseId = b.WarehouseId });
        api.MapCommand<PayRefundBody>("/refunds/{refundId}/payment", "Record that the refund was paid.", (b, f) =>
            new PayRefund(f.Route("refundId"), f.Text(b.PaymentReference), f.OccurredAt));
        api.MapCommand<OpenDisputeBody>("/refunds/{refundId}/dispute", "Open a dispute about the refund.", (b, f) =>
            new OpenDispute(f.Route("refundId"), b.OpenedBy ?? f.Caller, f.Text(b.Reason), f.OccurredAt));
        api.MapCommand<JudgeDisputeBody>("/refunds/{refundId}/dispute/judgement", "Judge the dispute: merchant at fault or not.", (b, f) =>
            new JudgeDispute(f.Route("refundId"), f.Value(b.MerchantAtFault), b.JudgedBy ?? f.Caller, b.Note ?? "", f.OccurredAt));
    }
}

public sealed record RequestRefundBody(
    string? OrderId, string? StoreId, string? CustomerId, RefundKind? Kind, IReadOnlyList<RefundLine?>? Lines, string? Reason) : CommandBody;

public sealed record ApproveRefundBody(string? ApprovedBy) : CommandBody;

public sealed record RejectRefundBody(string? Reason, string? RejectedBy) : CommandBody;

public sealed record ReturnShippedBody(string? Carrier, string? TrackingNumber) : CommandBody;

public sealed record ReturnReceivedBody(string? ScannedTrackingNumber) : CommandBody;

/// <param name="WarehouseId">The warehouse that received the return (its units go back on hand there); left out = the one that shipped each line.</param>
public sealed record InspectionBody(bool? Passed, string? Note, string? InspectorId, string? WarehouseId = null) : CommandBody;

public sealed record PayRefundBody(string? PaymentReference) : CommandBody;

public sealed record OpenDisputeBody(string? Reason, string? OpenedBy) : CommandBody;

public sealed record JudgeDisputeBody(bool? MerchantAtFault, string? Note, string? JudgedBy) : CommandBody;
