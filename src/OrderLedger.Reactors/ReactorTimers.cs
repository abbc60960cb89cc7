using OrderLedger.Domain.Refunds;
namespace OrderLedger.Reactors;

/// <summary>The reactors' timers: what is due when, and the command each one sends.</summary>
public static class TimerKinds
{
    /// <summary>An order still unpaid at its payment due time: <c>TimeOutPayment</c> (cancels it and releases its stock).</summary>
    public const string PaymentTimeout = "payment-timeout";

    /// <summary>Seven days (store policy) after a conversation is resolved: <c>SendNpsSurvey</c>, once per conversation.</summary>
    public const string NpsSurvey = "nps-survey";

    /// <summary>48 hours after an escalation, if still unresolved: <c>RecordEscalationDeadlineMissed</c>.</summary>
    public const string EscalationDeadline = "escalation-deadline";

    /// <summary>
    /// A contact about an order while another contact about it is unresolved, not escalated when it started (the caller's
    /// list of unresolved conversations missed the other, e.g. both started at the same instant): <c>EscalateConversation</c>.
    /// </summary>
    public const string RepeatContact = "repeat-contact";

    /// <summary>
    /// A customer message in a bot conversation starts the clock (unless it runs already): <c>HandOffToHuman</c> at the
    /// message + the store's bot hand-off threshold (default 120 s), unless the conversation is resolved (the bot's
    /// answer was useful) or handed off first. Bot replies do not stop it: an answer is useful when it settles the question.
    /// </summary>
    public const string BotHandOff = "bot-hand-off";

    /// <summary>
    /// A work order still without a first plan (or resolution) at its plan deadline, two hours after it was opened:
    /// <c>EscalateWorkOrder</c> (it goes to the department's director, dated at the deadline).
    /// </summary>
    public const string WorkOrderPlan = "work-order-plan";

    /// <summary>
    /// An order paid and, the store's ship-within hours later (default 48), not handed to the carrier: a proactive case
    /// (<c>StartConversation</c>, reason paid-not-shipped) for its customer.
    /// </summary>
    public const string PaidNotShipped = "paid-not-shipped";

    /// <summary>A parcel with the carrier and no scan for the store's no-scan hours (each scan re-arms it): a proactive case.</summary>
    public const string NoTrackingScan = "no-tracking-scan";

    /// <summary>An order rejected because a line could not be reserved: a proactive case, when the store opens them.</summary>
    public const string UnreservableLine = "unreservable-line";

    /// <summary>A refund approved by the auto-refund rule: intercept the order's parcels still in the warehouse, then <c>PayRefund</c>.</summary>
    public const string AutoRefund = "auto-refund";
}

/// <summary>
/// Deterministic command ids of the reactors' commands: a timer fired twice (two hosts, a restart, a retry) sends the
/// same command id, and the command handlers record it once. <c>ledger seed</c> uses the same ids for the part of the
/// reactors it plays in a generated past month.
/// </summary>
public static class ReactorCommandIds
{
    public static string Of(string kind, string key) => $"reactor/{kind}/{key}";

    /// <summary>An escalation deadline's key: the conversation and the moment of that escalation (a conversation may be escalated again after a reopen).</summary>
    public static string EscalationKey(string conversationId, DateTimeOffset escalatedAt) =>
        $"{conversationId}/{escalatedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>A bot hand-off's key: the conversation and the customer message that started the clock (it may start again after a resolution).</summary>
    public static string BotHandOffKey(string conversationId, string messageId) => $"{conversationId}/{messageId}";

    public static string Intercept(string refundId, string shipmentId) => Of(TimerKinds.AutoRefund, $"{refundId}/intercept/{shipmentId}");

    public static string Amend(string refundId, string shipmentId) => Of(TimerKinds.AutoRefund, $"{refundId}/amend/{shipmentId}");

    /// <summary>The payment reference of a refund the reactor pays.</summary>
    public static string RefundPaymentReference(string refundId) => RefundDecider.RulePaymentReference(refundId);
}

/// <summary>A due timer as the dispatcher reads it from <c>rm.reactor_timers</c>.</summary>
/// <param name="Subject">The aggregate it is about (order, conversation or refund id); one live timer per kind and subject.</param>
/// <param name="Key">Identifies this timer among all that ever existed: the command id's suffix and the dispatch record's key.</param>
public sealed record DueTimer(string Kind, string Subject, string Key, string? StoreId, string? OrderId, DateTimeOffset DueAt);
