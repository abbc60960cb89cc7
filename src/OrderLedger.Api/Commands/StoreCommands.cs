using OrderLedger.Api.Security;
using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Stores;

namespace OrderLedger.Api.Commands;

/// <summary>Store registration and policies (stream <c>store-{storeId}</c>).</summary>
public static class StoreCommands
{
    public static void MapStoreCommands(this IEndpointRouteBuilder api)
    {
        api.MapCommand<RegisterStoreBody>("/stores/{storeId}", "Register a store (name, IANA time zone, currency).", (b, f) =>
            new RegisterStore(f.Route("storeId"), f.Text(b.Name), f.Text(b.TimeZone), f.Text(b.Currency), f.OccurredAt));

        // Separation of duties: agents work conversations and orders; the rules that decide money and deadlines are set
        // by supervisors and administrators (docs/security.md). Every endpoint under /policies inherits this.
        var policies = api.MapGroup("/stores/{storeId}/policies").RequireAuthorization(Policies.StorePolicies);
        policies.MapCommand<AutoRefundWindowBody>("/auto-refund-window", "Set the auto-refund window in hours (0 = off).", (b, f) =>
            new SetAutoRefundWindow(f.Route("storeId"), f.Value(b.Hours), f.OccurredAt) { CountsFrom = b.CountsFrom });
        policies.MapCommand<ServiceHoursBody>("/service-hours", "Set daily service hours [opens, closes) in a time zone.", (b, f) =>
            new SetServiceHours(f.Route("storeId"), f.TimeOfDay(b.Opens), f.TimeOfDay(b.Closes), f.Text(b.TimeZone), f.OccurredAt));
        policies.MapCommand<SlaTargetsBody>("/sla-targets", "Set SLA targets: first reply, resolution, NPS survey delay.", (b, f) =>
            new SetSlaTargets(f.Route("storeId"), new SlaTargets(f.Value(b.FirstReplySeconds), f.Value(b.ResolutionHours), f.Value(b.NpsSurveyDelayDays)), f.OccurredAt));
        policies.MapCommand<BotHandOffBody>("/bot-hand-off", "Set how many seconds (10–3600, default 120) a customer waits in a bot conversation without a useful answer before a human takes over.", (b, f) =>
            new SetBotHandOff(f.Route("storeId"), f.Value(b.Seconds), f.OccurredAt));
        policies.MapCommand<ProactiveCasesBody>("/proactive-cases", "Set when the system opens a service case before the customer complains: paid and not handed to the carrier within shipWithinHours (1–720, default 48), no carrier scan for noScanHours (1–720, default 48), an order line that cannot be reserved (default on).", (b, f) =>
            new SetProactiveCasePolicy(f.Route("storeId"), f.Value(b.ShipWithinHours), f.Value(b.NoScanHours), f.Value(b.OnUnreservableLine), f.OccurredAt));
        policies.MapCommand<VipRuleBody>("/vip-rule", "Set what makes a VIP customer: a net paid amount in the last 12 months and/or member levels (either is enough; neither: no VIPs).", (b, f) =>
            new SetVipRule(f.Route("storeId"), b.MinPaidLast12Months, b.MemberLevels is null ? [] : f.List(b.MemberLevels), f.OccurredAt));
        policies.MapCommand<PrioritySlaTargetsBody>("/priority-sla-targets", "Set one priority's targets: first human reply in seconds, solution in minutes (VIP defaults to 60 s and 30 min, the others to the SLA targets).", (b, f) =>
            new SetPrioritySlaTargets(f.Route("storeId"), f.Value(b.Priority), f.Value(b.FirstReplySeconds), f.Value(b.ResolutionMinutes), f.OccurredAt));
        policies.MapCommand<MemberLevelBody>("/member-levels/{customerId}", "Set a customer's member level in the store (left out: cleared); a level the VIP rule lists makes a VIP.", (b, f) =>
            new SetCustomerMemberLevel(f.Route("storeId"), f.Route("customerId"), string.IsNullOrEmpty(b.Level) ? null : b.Level, f.OccurredAt));
        policies.MapCommand<ReturnAddressBody>("/return-addresses", "Set the return address for a product, a category or by default.", (b, f) =>
            new SetReturnAddress(f.Route("storeId"), f.Value(b.Scope), b.Key, f.Required(b.Address), f.OccurredAt));
        policies.MapCommand<ReturnPolicyBody>("/returns", "Set the after-sales rules: refund refused deliveries by rule (default on), pay passed returns by rule (default off).", (b, f) =>
            new SetReturnPolicy(f.Route("storeId"), f.Value(b.RefundRefusedDeliveries), f.Value(b.PayPassedReturns), f.OccurredAt));
        policies.MapCommand<WarehousesBody>("/warehouses", "Set the store's warehouses and the regions each serves first.", (b, f) =>
            new SetWarehouses(f.Route("storeId"), f.List(b.Warehouses), f.OccurredAt));
    }
}

public sealed record RegisterStoreBody(string? Name, string? TimeZone, string? Currency) : CommandBody;

/// <param name="CountsFrom">Where the window starts: <c>Placement</c> (the default) or <c>Payment</c>; left out = unchanged.</param>
public sealed record AutoRefundWindowBody(int? Hours, AutoRefundBasis? CountsFrom = null) : CommandBody;

/// <summary>Opens and closes as times of day ("HH:mm" or "HH:mm:ss"; closes "24:00" is the end of the day), read by <see cref="CommandInput.TimeOfDay"/>.</summary>
public sealed record ServiceHoursBody(string? Opens, string? Closes, string? TimeZone) : CommandBody;

public sealed record SlaTargetsBody(int? FirstReplySeconds, int? ResolutionHours, int? NpsSurveyDelayDays) : CommandBody;

public sealed record BotHandOffBody(int? Seconds) : CommandBody;

public sealed record ProactiveCasesBody(int? ShipWithinHours, int? NoScanHours, bool? OnUnreservableLine) : CommandBody;

/// <param name="MinPaidLast12Months">Net paid (paid − refunded) in the last 12 months that makes a VIP; left out: no amount does.</param>
/// <param name="MemberLevels">Member levels that make a VIP (<c>POST …/policies/member-levels/{customerId}</c> gives a customer one).</param>
public sealed record VipRuleBody(decimal? MinPaidLast12Months, IReadOnlyList<string?>? MemberLevels) : CommandBody;

public sealed record PrioritySlaTargetsBody(ConversationPriority? Priority, int? FirstReplySeconds, int? ResolutionMinutes) : CommandBody;

public sealed record MemberLevelBody(string? Level) : CommandBody;

public sealed record ReturnAddressBody(ReturnAddressScope? Scope, string? Key, PostalAddress? Address) : CommandBody;

public sealed record ReturnPolicyBody(bool? RefundRefusedDeliveries, bool? PayPassedReturns) : CommandBody;

public sealed record WarehousesBody(IReadOnlyList<WarehouseRegions?>? Warehouses) : CommandBody;
