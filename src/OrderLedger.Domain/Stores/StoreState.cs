using System.Collections.Immutable;
using OrderLedger.Domain.Conversations;

namespace OrderLedger.Domain.Stores;

public sealed record StoreState(
    bool Registered,
    string StoreId,
    string Name,
    string TimeZone,
    string Currency,
    int AutoRefundWindowHours,
    TimeOnly ServiceOpens,
    TimeOnly ServiceCloses,
    SlaTargets Sla,
    ReturnAddressPolicy ReturnAddresses,
    ImmutableList<WarehouseRegions> Warehouses) : IStoreScoped
{
    /// <summary>Where the auto-refund window starts: at placement unless the store chose payment.</summary>
    public AutoRefundBasis AutoRefundCountsFrom { get; init; } = AutoRefundBasis.Placement;

    /// <summary>How long an order placed without a payment due time waits for its payment (docs/reactors.md, payment timeout).</summary>
    public TimeSpan PaymentWindow { get; init; } = DefaultPaymentWindow;

    /// <summary>A parcel the buyer refused is refunded by rule once it is back at the warehouse (on unless the store turned it off).</summary>
    public bool RefundRefusedDeliveries { get; init; } = true;

    /// <summary>A return that passed inspection is paid by rule (off unless the store turned it on: else an agent pays).</summary>
    public bool PayPassedReturns { get; init; }

    /// <summary>Return parcels by tracking key (<see cref="ReturnTrackingNumbers.Key"/>) → their refund: one refund per tracking number in the store.</summary>
    public ImmutableDictionary<string, string> ReturnTrackings { get; init; } = ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>The refund whose return parcel has this tracking number, or null.</summary>
    public string? RefundOfReturn(string trackingNumber) => ReturnTrackings.GetValueOrDefault(ReturnTrackingNumbers.Key(trackingNumber));

    /// <summary>Seconds a customer waits in a bot conversation without a useful answer before a human takes over.</summary>
    public int BotHandOffSeconds { get; init; } = DefaultBotHandOffSeconds;

    /// <summary>When the system opens a service case on its own (<see cref="ProactiveCasePolicy.Default"/> until the store sets one).</summary>
    public ProactiveCasePolicy ProactiveCases { get; init; } = ProactiveCasePolicy.Default;

    /// <summary>What makes a VIP (none until the store sets a rule).</summary>
    public VipRule VipRule { get; init; } = VipRule.None;

    /// <summary>Member levels the store gave its customers, by customer id.</summary>
    public ImmutableDictionary<string, string> MemberLevels { get; init; } = ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>The priorities' targets the store set; the others follow <see cref="SlaFor"/>'s defaults.</summary>
    public ImmutableDictionary<ConversationPriority, PriorityTargets> PrioritySla { get; init; } = ImmutableDictionary<ConversationPriority, PriorityTargets>.Empty;

    /// <summary>
    /// A priority's targets: the store's own for it, else for VIP the source material's one minute and 30 minutes,
    /// else the ordinary <see cref="Sla"/> (first reply, resolution hours in minutes).
    /// </summary>
    public PriorityTargets SlaFor(ConversationPriority priority) =>
        PrioritySla.TryGetValue(priority, out var set) ? set
        : priority == ConversationPriority.Vip ? ConversationPriorities.DefaultVip
        : new PriorityTargets(Sla.FirstReplySeconds, Sla.ResolutionHours * 60);
    /// <summary>The departments that take work orders, by name (<c>SetDepartment</c>).</summary>
    public ImmutableDictionary<string, WorkOrders.DepartmentStaff> Departments { get; init; } =
        ImmutableDictionary<string, WorkOrders.DepartmentStaff>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>The longest department name: it is a path segment of the API.</summary>
    public const int MaxDepartmentLength = 64;

    public static readonly TimeSpan DefaultPaymentWindow = TimeSpan.FromMinutes(30);

    /// <summary>The source material's rule: ordinary questions go to the bot first and to a human after two minutes.</summary>
    public const int DefaultBotHandOffSeconds = 120;

    /// <summary>The bot hand-off threshold's bounds: long enough for a bot to answer, short enough to be a service level.</summary>
    public const int MinBotHandOffSeconds = 10, MaxBotHandOffSeconds = 3_600;

    /// <summary>Before registration. Service hours default to 08:00–23:00 (brief §5); auto-refund is off.</summary>
    public static StoreState Initial { get; } = new(
        false, "", "", "UTC", "", 0, new TimeOnly(8, 0), new TimeOnly(23, 0), SlaTargets.Default, ReturnAddressPolicy.Empty, []);
}

/// <summary>The moment an auto-refund window counts from: the order's placement (what a buyer means by "within N hours of ordering") or its payment.</summary>
public enum AutoRefundBasis
{
    Placement,
    Payment,
}

/// <summary>Return addresses by product, then by category, then the store default.</summary>
public sealed record ReturnAddressPolicy(
    ImmutableDictionary<string, PostalAddress> ByProduct,
    ImmutableDictionary<string, PostalAddress> ByCategory,
    PostalAddress? Default)
{
    public static ReturnAddressPolicy Empty { get; } =
        new(ImmutableDictionary<string, PostalAddress>.Empty, ImmutableDictionary<string, PostalAddress>.Empty, null);

    /// <summary>The most specific address for a product: its own, its category's, else the default; null when none is set.</summary>
    public PostalAddress? Resolve(string sku, string? category) =>
        ByProduct.TryGetValue(sku, out var byProduct) ? byProduct
        : category is not null && ByCategory.TryGetValue(category, out var byCategory) ? byCategory
        : Default;

    public ReturnAddressPolicy With(ReturnAddressScope scope, string? key, PostalAddress address) => scope switch
    {
        ReturnAddressScope.Product => this with { ByProduct = ByProduct.SetItem(key!, address) },
        ReturnAddressScope.Category => this with { ByCategory = ByCategory.SetItem(key!, address) },
        _ => this with { Default = address },
    };
}

/// <summary>How return tracking numbers compare: trimmed, case-insensitive (as a refund compares its scanned parcel).</summary>
public static class ReturnTrackingNumbers
{
    public static string Key(string trackingNumber) => trackingNumber.Trim().ToUpperInvariant();
}
