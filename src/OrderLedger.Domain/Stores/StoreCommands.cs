using OrderLedger.Domain.Conversations;

namespace OrderLedger.Domain.Stores;

public abstract record StoreCommand(string StoreId) : IDomainCommand
{
    public abstract DateTimeOffset OccurredAt { get; init; }
}

/// <param name="TimeZone">IANA time zone id (e.g. <c>Asia/Shanghai</c>); metrics count store-local days in it.</param>
/// <param name="Currency">ISO 4217 code every order of the store is priced in.</param>
public sealed record RegisterStore(string StoreId, string Name, string TimeZone, string Currency, DateTimeOffset OccurredAt) : StoreCommand(StoreId);

/// <summary>Refund-only requests within this many hours of payment, before the carrier hand-over, are approved automatically. 0 turns it off.</summary>
/// <summary>The auto-refund window in hours (0 = off); <see cref="CountsFrom"/>, when given, also sets where it starts.</summary>
public sealed record SetAutoRefundWindow(string StoreId, int Hours, DateTimeOffset OccurredAt) : StoreCommand(StoreId)
{
    public AutoRefundBasis? CountsFrom { get; init; }
}

/// <summary>Daily service hours in the store's time zone, [Opens, Closes).</summary>
public sealed record SetServiceHours(string StoreId, TimeOnly Opens, TimeOnly Closes, string TimeZone, DateTimeOffset OccurredAt) : StoreCommand(StoreId);

/// <summary>
/// How long a customer in a bot conversation waits without a useful answer (the conversation settled) before the
/// bot hand-off reactor hands it to a human.
/// </summary>
public sealed record SetBotHandOff(string StoreId, int Seconds, DateTimeOffset OccurredAt) : StoreCommand(StoreId);

public sealed record SetSlaTargets(string StoreId, SlaTargets Targets, DateTimeOffset OccurredAt) : StoreCommand(StoreId);

/// <summary>Where returns go: for one product (Key = SKU), one category (Key = category) or by default (Key = null).</summary>
public sealed record SetReturnAddress(string StoreId, ReturnAddressScope Scope, string? Key, PostalAddress Address, DateTimeOffset OccurredAt) : StoreCommand(StoreId);

/// <summary>The warehouses that ship the store's orders and the shipping regions each one serves first.</summary>
public sealed record SetWarehouses(string StoreId, IReadOnlyList<WarehouseRegions> Warehouses, DateTimeOffset OccurredAt) : StoreCommand(StoreId);

/// <summary>
/// The store's after-sales rules: whether a parcel the buyer refused is refunded by rule when it is back at the
/// warehouse (on by default), and whether a return that passed inspection is paid by rule (off by default: an agent pays).
/// </summary>
public sealed record SetReturnPolicy(string StoreId, bool RefundRefusedDeliveries, bool PayPassedReturns, DateTimeOffset OccurredAt) : StoreCommand(StoreId);

/// <summary>A step of <c>RecordReturnShipped</c>: a return parcel's tracking number names one refund of the store.</summary>
public sealed record ClaimReturnTracking(string StoreId, string TrackingNumber, string RefundId, DateTimeOffset OccurredAt) : StoreCommand(StoreId);

/// <summary>The warehouse scanned a return parcel: find its refund by the tracking number (unique in the store) and record the receipt.</summary>
public sealed record ScanReturn(string StoreId, string TrackingNumber, DateTimeOffset OccurredAt) : StoreCommand(StoreId);

/// <summary>What makes a customer a VIP in this store (<see cref="VipRule"/>): a net paid amount in the last 12 months, and/or member levels.</summary>
public sealed record SetVipRule(string StoreId, decimal? MinPaidLast12Months, IReadOnlyList<string> MemberLevels, DateTimeOffset OccurredAt) : StoreCommand(StoreId);

/// <summary>The member level the store gives one customer (null clears it); a level the VIP rule lists makes a VIP.</summary>
public sealed record SetCustomerMemberLevel(string StoreId, string CustomerId, string? Level, DateTimeOffset OccurredAt) : StoreCommand(StoreId);

/// <summary>One priority's targets: first human reply (seconds) and solution (minutes from the start to the resolution).</summary>
public sealed record SetPrioritySlaTargets(string StoreId, ConversationPriority Priority, int FirstReplySeconds, int ResolutionMinutes, DateTimeOffset OccurredAt) : StoreCommand(StoreId);
/// <summary>
/// A department that takes work orders over from conversations (logistics, quality, finance…): its owner answers them
/// with a first plan, its director gets them when the plan is late. Setting a department again replaces its people.
/// </summary>
public sealed record SetDepartment(string StoreId, string Department, string OwnerId, string DirectorId, DateTimeOffset OccurredAt) : StoreCommand(StoreId);

/// <summary>
/// When the proactive-case reactor opens a service case before the customer complains: an order paid and not handed to
/// the carrier within <paramref name="ShipWithinHours"/> of its payment, a parcel with the carrier and no scan for
/// <paramref name="NoScanHours"/>, and (when <paramref name="OnUnreservableLine"/>) an order rejected because a line could
/// not be reserved.
/// </summary>
public sealed record SetProactiveCasePolicy(string StoreId, int ShipWithinHours, int NoScanHours, bool OnUnreservableLine, DateTimeOffset OccurredAt) : StoreCommand(StoreId);
