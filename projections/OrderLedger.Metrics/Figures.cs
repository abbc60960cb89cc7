namespace OrderLedger.Metrics;

/// <summary>
/// The three-minute human reply rate (§5) of a set of inquiries. Only inquiries that started within service hours are
/// classified; <see cref="OutsideServiceHours"/> shows how many were left out for that reason.
/// <see cref="Rate"/> = in time ÷ (in time + late + overdue unanswered); null when nothing counts yet.
/// First-response times (seconds) are over the answered inquiries (in time and late).
/// </summary>
public sealed record ReplyRate(
    long InTime,
    long Late,
    long OverdueUnanswered,
    long Pending,
    long Withdrawn,
    long OutsideServiceHours,
    double? Rate,
    double? FirstResponseMeanSeconds,
    double? FirstResponseP50Seconds,
    double? FirstResponseP90Seconds)
{
    public long Counted => InTime + Late + OverdueUnanswered;
}

public sealed record DailyReplyRate(DateOnly Day, ReplyRate Figures);

/// <summary>Per agent: the replying agent for answered inquiries, the assigned agent for unanswered ones (null: nobody assigned).</summary>
public sealed record AgentReplyRate(string? AgentId, ReplyRate Figures);

/// <summary>
/// Per priority: <see cref="ThreeMinutes"/> is the reply rate under the §5 rule (180 s) as every reply rate is;
/// <see cref="AgainstTarget"/> classifies the same inquiries against the priority's own first-reply target
/// (<see cref="TargetSeconds"/>); both carry the first-response time (mean, p50, p90) of the answered ones.
/// </summary>
public sealed record PriorityReplyRate(string Priority, int TargetSeconds, ReplyRate ThreeMinutes, ReplyRate AgainstTarget);

/// <summary>
/// NPS (§5) over the answers given in the window: % promoters (9–10) − % detractors (0–6), from −100 to 100; null
/// without answers. Response rate = surveys sent in the window that were answered ÷ surveys sent in the window.
/// </summary>
public sealed record Nps(
    long Promoters,
    long Passives,
    long Detractors,
    double? Score,
    long SurveysSent,
    long SurveysAnswered,
    double? ResponseRate)
{
    public long Answers => Promoters + Passives + Detractors;

    /// <summary>The figures from the counts: the score and the response rate follow from them.</summary>
    public static Nps Of(long promoters, long passives, long detractors, long surveysSent, long surveysAnswered)
    {
        var answers = promoters + passives + detractors;
        double? score = answers == 0 ? null : 100.0 * (promoters - detractors) / answers;
        double? responseRate = surveysSent == 0 ? null : (double)surveysAnswered / surveysSent;
        return new Nps(promoters, passives, detractors, score, surveysSent, surveysAnswered, responseRate);
    }
}

public sealed record DailyNps(DateOnly Day, Nps Figures);

/// <summary>
/// First-contact resolution (§5) of the conversations first resolved in the window. A resolution is final once its
/// 7 days have passed: <see cref="Rate"/> = first-contact ÷ final (the §5 figure). <see cref="ProvisionalRate"/> also
/// counts resolutions still inside their 7 days, as they stand now (a repeat may still come).
/// </summary>
public sealed record FirstContactResolution(
    long Resolved,
    long Final,
    long FinalFirstContact,
    double? Rate,
    long FirstContactSoFar,
    double? ProvisionalRate)
{
    public long StillOpen => Resolved - Final;

    public bool IsFinal => Resolved == Final;
}

/// <summary>Refunds of one kind paid in the window: request → paid, in seconds; share approved automatically by the store's rule.</summary>
public sealed record RefundKindTimes(long Completed, double? MeanSeconds, double? P90Seconds, long AutoApproved, double? AutoApprovedShare);

public sealed record RefundTimes(RefundKindTimes RefundOnly, RefundKindTimes ReturnAndRefund);

/// <summary>Merchant-fault dispute rate (§5) = disputes judged merchant at fault ÷ orders paid, both in the window.</summary>
public sealed record DisputeRate(long MerchantAtFault, long PaidOrders, double? Rate);

/// <summary>Good-review rate (§5) = satisfied ratings ÷ all ratings given in the window.</summary>
public sealed record GoodReviewRate(long Satisfied, long Ratings, double? Rate);

/// <summary>
/// Order flow in the window: orders placed, paid and cancelled; parcels handed to the carrier (shipped) and delivered.
/// The last three are the state now, from the core read models (null when those are not built):
/// parcels with a logistics exception open, parcels in transit without carrier movement for the stuck threshold,
/// and SKUs at or below the low-stock threshold in the store's warehouses.
/// </summary>
public sealed record OrderFlow(
    long Placed,
    long Paid,
    long Shipped,
    long Delivered,
    long Cancelled,
    long? LogisticsExceptionsOpen,
    long? StuckParcels,
    long? LowStockSkus);

/// <summary>Complaint rate = conversations started in the window that are complaints (as classified now) ÷ conversations started in the window.</summary>
public sealed record ComplaintRate(long Complaints, long Started, double? Rate);

/// <summary>
/// Bot resolution rate = bot-started conversations first resolved in the window with no hand-off to a human before that
/// resolution ÷ bot-started conversations first resolved in the window.
/// </summary>
public sealed record BotResolutionRate(long ResolvedByBot, long Resolved, double? Rate);

/// <summary>First-contact resolution of the conversations of one category (as classified now; <c>unclassified</c>: never classified).</summary>
public sealed record CategoryFirstContactResolution(string Category, FirstContactResolution Figures);

public sealed record ClassificationFigures(
    ComplaintRate ComplaintRate, BotResolutionRate BotResolutionRate, IReadOnlyList<CategoryFirstContactResolution> FirstContactResolutionByCategory);

public sealed record MetricFigures(
    ReplyRate ReplyRate,
    Nps Nps,
    FirstContactResolution FirstContactResolution,
    RefundTimes RefundTimes,
    DisputeRate DisputeRate,
    GoodReviewRate GoodReviewRate,
    OrderFlow OrderFlow)
{
    /// <summary>The store's work orders; null for every store at once, or where the <c>work_orders</c> read model is not built.</summary>
    public WorkOrderFigures? WorkOrders { get; init; }

    /// <summary>The complaint rate, the bot resolution rate and first-contact resolution per category.</summary>
    public ClassificationFigures? Classification { get; init; }
}

/// <summary>The live dashboard of one store: today (store-local) and the rolling 30 days, both evaluated at <see cref="Now"/>.</summary>
public sealed record Dashboard(string StoreId, DateTimeOffset Now, DateOnly Today, string TimeZone, MetricFigures TodayFigures, MetricFigures Last30Days);

/// <summary>
/// Work orders of one store (docs/metrics.md, "Work orders"). The first-plan figures are over the work orders opened in
/// the window: on time when the first plan (or a resolution, if that came first) was given by the deadline, opened + 2 h;
/// late when it was not and the deadline has passed; pending while the deadline runs.
/// <see cref="PlanOnTimeRate"/> = on time ÷ (on time + late). The handling time is from the opening to the latest
/// resolution, over the work orders whose latest resolution lies in the window.
/// </summary>
public sealed record WorkOrderFigures(
    long Opened,
    long PlansOnTime,
    long PlansLate,
    long PlansPending,
    long Escalated,
    double? PlanOnTimeRate,
    long Resolved,
    double? HandlingMeanSeconds,
    double? HandlingP90Seconds);
