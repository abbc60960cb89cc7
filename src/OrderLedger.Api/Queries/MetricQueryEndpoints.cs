using System.Security.Claims;
using OrderLedger.Api.Validation;
using OrderLedger.Application.CommandHandling;
using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Stores;
using OrderLedger.Hosting;
using OrderLedger.Metrics;

namespace OrderLedger.Api.Queries;

/// <summary>
/// Every figure of docs/metrics.md for one store (or <c>*</c>, every store, for tokens valid for every store), optionally
/// for one agent, over store-local days <c>from</c>..<c>to</c> or, without them, the rolling 30 days. <c>now</c>
/// (default: the clock) gives the figures as they stood at that moment.
/// </summary>
public static class MetricQueryEndpoints
{
    public static readonly IReadOnlyList<string> Names =
    [
        "reply-rate", "reply-rate-daily", "reply-rate-by-agent", "reply-rate-by-priority", "nps", "nps-daily", "first-contact-resolution", "refund-times",
        "dispute-rate", "good-review-rate", "order-flow", "work-orders", "figures", "dashboard", "handled-by-agent",
        "classification",
    ];

    public static void MapMetricQueries(this IEndpointRouteBuilder api)
    {
        api.MapGet("/stores/{storeId}/metrics", (string storeId, ClaimsPrincipal user) =>
                CanSee(user, storeId) ? Results.Ok(Names) : StoreScope.StoreNotFound(storeId))
            .WithSummary("The names of the metrics.").WithTags("Metrics").Produces<IReadOnlyList<string>>();
        api.MapGet("/stores/{storeId}/metrics/{name}", GetAsync)
            .WithSummary("One metric: reply-rate, reply-rate-daily, reply-rate-by-agent, reply-rate-by-priority, nps, nps-daily, first-contact-resolution, refund-times, dispute-rate, good-review-rate, order-flow, work-orders, figures, dashboard, handled-by-agent, classification (complaint rate, bot resolution rate, FCR per category).")
            .WithTags("Metrics").ProducesValidationProblem().ProducesProblem(404);
    }

    private static async Task<IResult> GetAsync(
        string storeId, string name, ClaimsPrincipal user, MetricQueries metrics, CommandHandler handler, AgentHandledQueries handled, TimeProvider clock, CancellationToken ct,
        string? agentId = null, DateOnly? from = null, DateOnly? to = null, DateTimeOffset? now = null)
    {
        if (!CanSee(user, storeId))
        {
            return StoreScope.StoreNotFound(storeId);
        }

        if (CheckWindow(from, to, now) is { } badWindow)
        {
            return badWindow;
        }

        var store = storeId == AccessTokens.AllStores ? null : storeId;
        var window = WindowOf(from, to);
        var at = now ?? clock.GetUtcNow();
        return name switch
        {
            "reply-rate" => Results.Ok(await metrics.Service.GetReplyRateAsync(store, agentId, window, at, ct)),
            "reply-rate-daily" when from is null => ApiProblems.Invalid("from", "Daily figures need from and to."),
            "reply-rate-daily" => Results.Ok(await metrics.Service.GetDailyReplyRateAsync(store, agentId, from!.Value, to!.Value, at, ct)),
            "reply-rate-by-agent" => Results.Ok(await metrics.Service.GetReplyRateByAgentAsync(store, window, at, ct)),
            "reply-rate-by-priority" when store is null => ApiProblems.Invalid("storeId", "The figures per priority are per store (each store sets its targets)."),
            "reply-rate-by-priority" => Results.Ok(await metrics.Service.GetReplyRateByPriorityAsync(store, window, at, await PriorityTargetsAsync(handler, store, ct), ct)),
            "nps" => Results.Ok(await metrics.Service.GetNpsAsync(store, agentId, window, at, ct)),
            "nps-daily" when from is null => ApiProblems.Invalid("from", "Daily figures need from and to."),
            "nps-daily" => Results.Ok(await metrics.Service.GetDailyNpsAsync(store, agentId, from!.Value, to!.Value, at, ct)),
            "first-contact-resolution" => Results.Ok(await metrics.Service.GetFirstContactResolutionAsync(store, agentId, window, at, ct)),
            "refund-times" => Results.Ok(await metrics.Commerce.GetRefundTimesAsync(store, window, at, ct)),
            "dispute-rate" => Results.Ok(await metrics.Commerce.GetDisputeRateAsync(store, window, at, ct)),
            "good-review-rate" => Results.Ok(await metrics.Service.GetGoodReviewRateAsync(store, agentId, window, at, ct)),
            "order-flow" => Results.Ok(await metrics.GetOrderFlowAsync(store, window, at, ct)),
            "work-orders" when store is null => ApiProblems.Invalid("storeId", "Work-order figures are per store."),
            "work-orders" => await metrics.GetWorkOrdersAsync(store, window, at, ct) is { } workOrders
                ? Results.Ok(workOrders) : ApiProblems.NotFound("The work_orders read model"),
            "figures" => Results.Ok(await metrics.GetFiguresAsync(store, window, at, ct)),
            "dashboard" when store is null => ApiProblems.Invalid("storeId", "The dashboard is per store."),
            "dashboard" => Results.Ok(await metrics.GetDashboardAsync(store, at, ct)),
            "handled-by-agent" => Results.Ok(await handled.GetAsync(store, agentId, window, at, ct)),
            "classification" => Results.Ok(await metrics.Service.GetClassificationAsync(store, window, at, ct)),
            _ => ApiProblems.NotFound($"Metric '{name}' (known: {string.Join(", ", Names)})"),
        };
    }

    /// <summary>The window's query parameters: both days or neither, at most 366 days, every value in range; null when they are right.</summary>
    internal static IResult? CheckWindow(DateOnly? from, DateOnly? to, DateTimeOffset? now)
    {
        if ((QueryRanges.Day("from", from) ?? QueryRanges.Day("to", to) ?? QueryRanges.Moment("now", now)) is { } outOfRange)
        {
            return outOfRange;
        }

        if ((from is null) != (to is null) || from > to)
        {
            return ApiProblems.Invalid(from is null ? "from" : "to", "Give both from and to (store-local days, from ≤ to), or neither for the rolling 30 days.");
        }

        return from is { } f && to is { } t && t.DayNumber - f.DayNumber > 366 ? ApiProblems.Invalid("to", "At most 366 days.") : null;
    }

    /// <summary>Store-local days from..to, or without them the rolling 30 days (checked by <see cref="CheckWindow"/>).</summary>
    internal static MetricWindow WindowOf(DateOnly? from, DateOnly? to) =>
        from is { } first && to is { } last ? MetricWindow.Days(first, last) : MetricWindow.Rolling30Days;

    /// <summary>The store's first-reply target per priority as it stands (docs/metrics.md, "Per priority").</summary>
    private static async Task<IReadOnlyDictionary<ConversationPriority, int>> PriorityTargetsAsync(CommandHandler handler, string storeId, CancellationToken ct)
    {
        var state = (await handler.LoadAsync(StoreDecider.Decider, StreamIds.Store(storeId), cancellationToken: ct)).State;
        return Enum.GetValues<ConversationPriority>().ToDictionary(p => p, p => state.SlaFor(p).FirstReplySeconds);
    }

    /// <summary><c>*</c> (every store) only for tokens valid for every store.</summary>
    private static bool CanSee(ClaimsPrincipal user, string storeId) => user.CanSee(storeId);
}
