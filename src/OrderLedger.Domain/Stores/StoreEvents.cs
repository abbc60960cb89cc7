using OrderLedger.Domain.Conversations;

namespace OrderLedger.Domain.Stores;

/// <summary>
/// A fact on a store's stream, <c>store-{StoreId}</c>. Every event of the family carries the id; each event's
/// positional parameter overrides the abstract property, which keeps the JSON as it was (docs/domain.md, "event ids").
/// </summary>
public abstract record StoreEvent : IStoreScoped
{
    public abstract string StoreId { get; init; }
}

public sealed record StoreRegistered(string StoreId, string Name, string TimeZone, string Currency, DateTimeOffset OccurredAt) : StoreEvent;

public sealed record StoreAutoRefundWindowSet(string StoreId, int Hours, DateTimeOffset OccurredAt) : StoreEvent;

/// <summary>The store's auto-refund window now counts from <paramref name="CountsFrom"/> (before this event: from placement).</summary>
public sealed record StoreAutoRefundBasisSet(string StoreId, AutoRefundBasis CountsFrom, DateTimeOffset OccurredAt) : StoreEvent;

public sealed record StoreServiceHoursSet(string StoreId, TimeOnly Opens, TimeOnly Closes, string TimeZone, DateTimeOffset OccurredAt) : StoreEvent;

/// <summary>The bot hand-off threshold (before this event: <see cref="StoreState.DefaultBotHandOffSeconds"/>).</summary>
public sealed record StoreBotHandOffSet(string StoreId, int Seconds, DateTimeOffset OccurredAt) : StoreEvent;

public sealed record StoreSlaTargetsSet(string StoreId, SlaTargets Targets, DateTimeOffset OccurredAt) : StoreEvent;

public sealed record StoreReturnAddressSet(string StoreId, ReturnAddressScope Scope, string? Key, PostalAddress Address, DateTimeOffset OccurredAt) : StoreEvent;

public sealed record StoreWarehousesSet(string StoreId, IReadOnlyList<WarehouseRegions> Warehouses, DateTimeOffset OccurredAt) : StoreEvent;

public sealed record StoreDepartmentSet(string StoreId, string Department, string OwnerId, string DirectorId, DateTimeOffset OccurredAt) : StoreEvent;

public sealed record StoreReturnPolicySet(string StoreId, bool RefundRefusedDeliveries, bool PayPassedReturns, DateTimeOffset OccurredAt) : StoreEvent;

/// <param name="TrackingNumber">As the customer gave it; looked up trimmed and case-insensitively (<see cref="ReturnTrackingNumbers.Key"/>).</param>
public sealed record StoreReturnTrackingClaimed(string StoreId, string TrackingNumber, string RefundId, DateTimeOffset OccurredAt) : StoreEvent;

public sealed record StoreVipRuleSet(string StoreId, decimal? MinPaidLast12Months, IReadOnlyList<string> MemberLevels, DateTimeOffset OccurredAt) : StoreEvent;

/// <param name="Level">Null: the customer has no member level any more.</param>
public sealed record StoreCustomerMemberLevelSet(string StoreId, string CustomerId, string? Level, DateTimeOffset OccurredAt) : StoreEvent;

/// <summary>The store's proactive-case policy (before this event: <see cref="ProactiveCasePolicy.Default"/>).</summary>
public sealed record StoreProactiveCasePolicySet(string StoreId, int ShipWithinHours, int NoScanHours, bool OnUnreservableLine, DateTimeOffset OccurredAt) : StoreEvent;

public sealed record StorePrioritySlaTargetsSet(string StoreId, ConversationPriority Priority, int FirstReplySeconds, int ResolutionMinutes, DateTimeOffset OccurredAt) : StoreEvent;

/// <param name="FirstReplySeconds">Human first reply target (the three-minute rule: 180).</param>
/// <param name="ResolutionHours">Target from a conversation's start to its resolution.</param>
/// <param name="NpsSurveyDelayDays">Days after resolution before the NPS survey goes out.</param>
public sealed record SlaTargets(int FirstReplySeconds, int ResolutionHours, int NpsSurveyDelayDays)
{
    public static SlaTargets Default { get; } = new(180, 24, 7);
}

public enum ReturnAddressScope
{
    Default,
    Category,
    Product,
}

public sealed record WarehouseRegions(string WarehouseId, IReadOnlyList<string> Regions);

/// <summary>When the system opens a service case on its own (docs/domain.md, "Proactive cases").</summary>
/// <param name="ShipWithinHours">The store's shipping promise: hours from payment to the carrier hand-over.</param>
/// <param name="NoScanHours">Hours a parcel with the carrier may go without a scan.</param>
/// <param name="OnUnreservableLine">Whether an order rejected for a line that cannot be reserved opens a case.</param>
public sealed record ProactiveCasePolicy(int ShipWithinHours, int NoScanHours, bool OnUnreservableLine)
{
    /// <summary>Two days to ship (the usual marketplace promise), two days without a scan (as the stuck-parcels figure counts), and out-of-stock rejections on.</summary>
    public static ProactiveCasePolicy Default { get; } = new(48, 48, true);

    /// <summary>The hours' bounds: at least an hour, at most 30 days.</summary>
    public const int MinHours = 1, MaxHours = 720;
}
