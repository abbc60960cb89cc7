using System.Security.Claims;
using OrderLedger.Api.Queries;
using OrderLedger.Application.CommandHandling;
using OrderLedger.Application.Refunds;
using OrderLedger.Domain;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Stores;

namespace OrderLedger.Api.Commands;

/// <summary>
/// The warehouse desk and the approvals queue of a store: scan a return parcel by its tracking number (the answer says
/// what it is), and approve many refunds in one request (each on its own, each with its product's return address).
/// </summary>
public static class ReturnCommands
{
    /// <summary>The most refunds one bulk approval takes (<c>refundIds</c>; <see cref="Validation.InputLimits"/> holds it).</summary>
    public const int MaxBulkApprovals = 1_000;

    public static void MapReturnCommands(this IEndpointRouteBuilder api)
    {
        api.MapCommand<ReturnScanBody>("/stores/{storeId}/returns/scans", "Scan a return parcel: find its refund by the tracking number, record the receipt, answer what it is.", (b, f) =>
                new ScanReturn(f.Route("storeId"), f.Text(b.TrackingNumber), f.OccurredAt),
                answer: async (http, command, accepted, ct) =>
                {
                    var scan = (ScanReturn)command;
                    var parcel = await http.RequestServices.GetRequiredService<ReturnParcels>().FindAsync(scan.StoreId, scan.TrackingNumber, ct);
                    return new ReturnScanned(accepted.CommandId, accepted.Events, parcel!);
                })
            .Produces<ReturnScanned>();

        api.MapPost("/stores/{storeId}/refunds/approvals", (string storeId, HttpContext http, ClaimsPrincipal user, CommandPipeline pipeline, CommandHandler handler, CancellationToken ct) =>
                user.Visible(storeId) is null
                    ? Task.FromResult(StoreScope.StoreNotFound(storeId))
                    : pipeline.RunEachAsync<BulkApprovalBody>(http, (b, f) => Approvals(b, f), (c, t) => OfStoreAsync(handler, (ApproveRefund)c, storeId, t), ct))
            .Accepts<BulkApprovalBody>("application/json")
            .Produces<BatchAccepted>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary($"Approve up to {MaxBulkApprovals} refunds of the store at once; each gets its product's return address and its own outcome.")
            .WithTags("Commands");
    }

    private static IReadOnlyList<(string Key, object Command)> Approvals(BulkApprovalBody body, CommandInput input)
    {
        var ids = input.List(body.RefundIds);
        if (ids.Count == 0 && body.RefundIds is not null)
        {
            input.Invalid("refundIds", "Name at least one refund.");
        }
        else if (ids.Distinct(StringComparer.Ordinal).Count() != ids.Count)
        {
            input.Invalid("refundIds", "Each refund is named once.");
        }
        else if (ids.Any(string.IsNullOrWhiteSpace))
        {
            input.Invalid("refundIds", "Refund ids must not be blank.");
        }

        var approver = body.ApprovedBy ?? input.Caller;
        return [.. ids.Select(id => (id, (object)new ApproveRefund(id, approver, null, null, input.OccurredAt)))];
    }

    /// <summary>A refund of another store (or none) is not found for this one, even when the token sees both.</summary>
    private static async Task<DomainError?> OfStoreAsync(CommandHandler handler, ApproveRefund approval, string storeId, CancellationToken cancellationToken)
    {
        var refund = (await handler.LoadAsync(RefundDecider.Decider, StreamIds.Refund(approval.RefundId), cancellationToken: cancellationToken)).State;
        return refund.Status == RefundStatus.None || refund.StoreId != storeId ? DomainError.Conflict(CommandPipeline.NotFoundRule, "") : null;
    }
}

public sealed record ReturnScanBody(string? TrackingNumber) : CommandBody;

/// <param name="RefundIds">The refunds to approve, each once (at most <see cref="ReturnCommands.MaxBulkApprovals"/>).</param>
/// <param name="ApprovedBy">Who approves; defaults to the caller.</param>
public sealed record BulkApprovalBody(IReadOnlyList<string?>? RefundIds, string? ApprovedBy) : CommandBody;

/// <summary>A scan's answer: the receipt's events and what the parcel is.</summary>
public sealed record ReturnScanned(string CommandId, IReadOnlyList<AcceptedEvent> Events, ReturnParcel Parcel);
