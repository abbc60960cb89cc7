using System.Security.Claims;
using OrderLedger.Domain.Refunds;
using OrderLedger.Hosting;

namespace OrderLedger.Api.Security;

/// <summary>
/// No role pays money out alone (DESIGN §9): store policies are set by supervisors and administrators only, and a
/// refund requested by staff waits for a second person, whatever the store's auto-refund window says.
/// </summary>
public static class SeparationOfDuties
{
    /// <summary>People who work for the store. A token with any of them acts as staff, even if it also has <c>ingest</c>.</summary>
    public static IReadOnlyList<string> StaffRoles { get; } = [Roles.Agent, Roles.Supervisor, Roles.Admin];

    /// <summary>
    /// A refund request is the customer's only when it comes from an ingest system (a channel connector relaying what
    /// the customer asked for) whose token has no staff role; everything else is a request by staff.
    /// </summary>
    public static RefundRequester RequesterOf(ClaimsPrincipal user) =>
        user.IsInRole(Roles.Ingest) && !StaffRoles.Any(user.IsInRole) ? RefundRequester.Customer : RefundRequester.Staff;
}
