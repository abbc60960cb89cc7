namespace OrderLedger.Domain.Conversations;

/// <summary>
/// How soon a conversation is served, most urgent first: <see cref="Vip"/> (a customer the store's VIP rule names),
/// <see cref="Urgent"/> (an issue with an urgency, e.g. an overdue order or a damaged parcel), <see cref="Normal"/>.
/// The declaration order is the queue's order (<see cref="ConversationPriorities.Rank"/>).
/// </summary>
public enum ConversationPriority
{
    Vip,
    Urgent,
    Normal,
}

/// <summary>The customer's standing under the store's VIP rule when the conversation started.</summary>
public enum CustomerTier
{
    Regular,
    Vip,
}

/// <summary>
/// What makes an issue urgent, as the starter of the conversation (a connector, an agent) or later an agent or
/// supervisor states it (<see cref="SetConversationUrgency"/>); <see cref="None"/> is an ordinary question.
/// </summary>
public enum IssueUrgency
{
    None,
    OrderOverdue,
    ParcelDamaged,
    ParcelLost,
    WrongItem,
}

/// <summary>
/// A store's rule for VIP customers: net paid (paid − refunded) in the last 12 months of at least
/// <see cref="MinPaidLast12Months"/> (null: no amount makes a VIP), or a member level among <see cref="MemberLevels"/>
/// (set per customer with <c>SetCustomerMemberLevel</c>). Either is enough. The empty rule names no VIP.
/// </summary>
public sealed record VipRule(decimal? MinPaidLast12Months, IReadOnlyList<string> MemberLevels)
{
    public static VipRule None { get; } = new(null, []);

    public bool IsEmpty => MinPaidLast12Months is null && MemberLevels.Count == 0;

    public bool Qualifies(decimal paidLast12Months, string? memberLevel) =>
        (MinPaidLast12Months is { } min && paidLast12Months >= min)
        || (memberLevel is not null && MemberLevels.Contains(memberLevel, StringComparer.Ordinal));
}

/// <summary>
/// What the edge looks up for <see cref="StartConversation.Standing"/>: the customer's net paid amount in the store over
/// the 12 months before the conversation (orders read model), the member level the store set for the customer, and the
/// store's VIP rule (both from the store's stream).
/// </summary>
public sealed record CustomerStanding(decimal PaidLast12Months, string? MemberLevel, VipRule Rule)
{
    public CustomerTier Tier => Rule.Qualifies(PaidLast12Months, MemberLevel) ? CustomerTier.Vip : CustomerTier.Regular;
}

/// <summary>A priority's service targets: the first human reply and the solution (start to resolution).</summary>
public sealed record PriorityTargets(int FirstReplySeconds, int ResolutionMinutes);

public static class ConversationPriorities
{
    /// <summary>The source material's VIP service: a human within one minute, a solution within 30 minutes.</summary>
    public static PriorityTargets DefaultVip { get; } = new(60, 30);

    /// <summary>A VIP customer is served first whatever the issue; an urgent issue before an ordinary one.</summary>
    public static ConversationPriority Of(CustomerTier tier, IssueUrgency urgency) =>
        tier == CustomerTier.Vip ? ConversationPriority.Vip
        : urgency != IssueUrgency.None ? ConversationPriority.Urgent
        : ConversationPriority.Normal;

    /// <summary>The queue's order: 0 first.</summary>
    public static int Rank(ConversationPriority priority) => (int)priority;
}
