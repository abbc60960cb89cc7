using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stores;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Projections.Sql;

namespace OrderLedger.Metrics.Tests.CrossCheck;

/// <summary>
/// The §5 figures computed the plain way, straight from the raw events with LINQ: each conversation's events walked
/// once into its inquiries, resolution, ratings and survey, then every figure counted over those lists. No tables, no
/// batches, no SQL: what the read model must agree with.
/// </summary>
public sealed class Oracle
{
    private const int Target = 180;

    private readonly Dictionary<string, (TimeZoneInfo Zone, TimeOnly Opens, TimeOnly Closes)> stores = new(StringComparer.Ordinal);
    private readonly List<Inquiry> inquiries = [];
    private readonly List<Conversation> conversations = [];
    private readonly List<(string StoreId, string? AgentId, DateTimeOffset At, SatisfactionRating Rating)> ratings = [];
    private readonly List<(string StoreId, string Kind, DateTimeOffset RequestedAt, DateTimeOffset PaidAt, bool Auto)> refunds = [];
    private readonly List<(string StoreId, DateTimeOffset At, bool MerchantAtFault)> disputes = [];
    private readonly List<(string StoreId, string What, DateTimeOffset At)> flow = [];

    private sealed record Inquiry(string StoreId, string? AgentId, DateTimeOffset Start, DateTimeOffset? Reply, DateTimeOffset? Withdrawn);

    private sealed record Conversation(
        string Id, string StoreId, string CustomerId, string? OrderId, DateTimeOffset Started,
        DateTimeOffset? FirstResolved, string? ResolvedAgent, DateTimeOffset? Reopened,
        DateTimeOffset? SurveySent, string? SurveyAgent, DateTimeOffset? Answered, int? Score,
        bool BotStarted = false, DateTimeOffset? FirstHandedOff = null, ConversationCategory? Category = null, bool IsComplaint = false);

    public Oracle(IReadOnlyList<DecodedEvent> events)
    {
        static DateTimeOffset At(DecodedEvent e) => e.Metadata!.OccurredAt;

        foreach (var e in events)
        {
            switch (e.Event)
            {
                case StoreRegistered r:
                    stores[r.StoreId] = (Zone(r.TimeZone), stores.TryGetValue(r.StoreId, out var s) ? s.Opens : new(8, 0), stores.TryGetValue(r.StoreId, out s) ? s.Closes : new(23, 0));
                    break;
                case StoreServiceHoursSet h:
                    stores[h.StoreId] = (Zone(h.TimeZone), h.Opens, h.Closes);
                    break;
            }
        }

        foreach (var stream in events.Where(e => e.Record.StreamId.StartsWith("conversation-", StringComparison.Ordinal)).GroupBy(e => e.Record.StreamId))
        {
            Walk([.. stream.OrderBy(e => e.Record.Revision)], At);
        }

        var refundStore = new Dictionary<string, (string StoreId, string Kind, DateTimeOffset Requested, bool Auto)>(StringComparer.Ordinal);
        var orderStore = new Dictionary<string, string>(StringComparer.Ordinal);
        var shipmentStore = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            switch (e.Event)
            {
                case OrderPlaced p:
                    orderStore[p.OrderId] = p.StoreId;
                    flow.Add((p.StoreId, "placed", At(e)));
                    break;
                case OrderPaymentConfirmed p:
                    flow.Add((orderStore[p.OrderId], "paid", At(e)));
                    break;
                case OrderCancelled c:
                    flow.Add((orderStore[c.OrderId], "cancelled", At(e)));
                    break;
                case ShipmentCreated c:
                    shipmentStore[c.ShipmentId] = c.StoreId;
                    break;
                case ShipmentHandedToCarrier h:
                    flow.Add((shipmentStore[h.ShipmentId], "shipped", At(e)));
                    break;
                case ShipmentDelivered d:
                    flow.Add((shipmentStore[d.ShipmentId], "delivered", At(e)));
                    break;
                case RefundRequested r:
                    refundStore[r.RefundId] = (r.StoreId, r.Kind == RefundKind.RefundOnly ? "refund_only" : "return_and_refund", At(e), false);
                    break;
                case RefundApproved a:
                    refundStore[a.RefundId] = refundStore[a.RefundId] with { Auto = a.ByRule };
                    break;
                case RefundPaid p:
                    var refund = refundStore[p.RefundId];
                    refunds.Add((refund.StoreId, refund.Kind, refund.Requested, At(e), refund.Auto));
                    break;
                case RefundDisputeJudged j:
                    disputes.Add((refundStore[j.RefundId].StoreId, At(e), j.MerchantAtFault));
                    break;
            }
        }
    }

    private void Walk(List<DecodedEvent> stream, Func<DecodedEvent, DateTimeOffset> at)
    {
        var started = (ConversationStarted)stream[0].Event;
        var human = started.Mode == ConversationMode.Human;
        string? assigned = null;
        (DateTimeOffset Start, string? Agent)? open = null;
        DateTimeOffset? firstResolved = null, reopened = null, surveySent = null, answered = null;
        string? resolvedAgent = null, surveyAgent = null;
        int? score = null;
        DateTimeOffset? firstHandedOff = null;
        ConversationClassified? classified = null;
        foreach (var e in stream.Skip(1))
        {
            var t = at(e);
            switch (e.Event)
            {
                case CustomerMessageReceived when human && open is null:
                    open = (t, assigned);
                    break;
                case ConversationHandedOff:
                    human = true;
                    open ??= (t, assigned);
                    firstHandedOff ??= t;
                    break;
                case ConversationClassified k:
                    classified = k; // as classified now: the latest one
                    break;
                case AgentAssigned a:
                    assigned = a.AgentId;
                    if (open is { } current)
                    {
                        open = (current.Start, a.AgentId);
                    }

                    break;
                case AgentReplied r when open is { } o:
                    inquiries.Add(new Inquiry(started.StoreId, r.AgentId, o.Start, t, null));
                    open = null;
                    break;
                case ConversationResolved:
                    if (open is { } w)
                    {
                        // Withdrawn only when the customer closed it; closed by anyone else it stays unanswered.
                        inquiries.Add(new Inquiry(started.StoreId, w.Agent, w.Start, null, e.Metadata?.Actor.Kind == ActorKind.Customer ? t : null));
                        open = null;
                    }

                    if (firstResolved is null)
                    {
                        firstResolved = t;
                        resolvedAgent = assigned;
                    }

                    break;
                case ConversationReopened when firstResolved is not null:
                    reopened ??= t;
                    break;
                case SatisfactionRated r:
                    ratings.Add((started.StoreId, assigned, t, r.Rating));
                    break;
                case NpsSurveySent:
                    surveySent ??= t;
                    surveyAgent ??= assigned;
                    break;
                case NpsAnswered a when answered is null:
                    answered = t;
                    score = a.Score;
                    break;
            }
        }

        if (open is { } stillOpen)
        {
            inquiries.Add(new Inquiry(started.StoreId, stillOpen.Agent, stillOpen.Start, null, null));
        }

        conversations.Add(new Conversation(
            started.ConversationId, started.StoreId, started.CustomerId, started.OrderId, at(stream[0]),
            firstResolved, resolvedAgent, reopened, surveySent, surveyAgent, answered, score,
            started.Mode == ConversationMode.Bot, firstHandedOff, classified?.Category, classified?.IsComplaint ?? false));
    }

    // ---- Figures ----------------------------------------------------------------------------------------------------

    public ReplyRate ReplyRate(string? storeId, string? agentId, MetricWindow window, DateTimeOffset now) =>
        ReplyRateOf(inquiries.Where(i => Store(i.StoreId, storeId) && (agentId is null || i.AgentId == agentId) && In(window, i.StoreId, i.Start, now)), now);

    public IReadOnlyList<DailyReplyRate> DailyReplyRate(string? storeId, DateOnly from, DateOnly to, DateTimeOffset now)
    {
        var days = new List<DailyReplyRate>();
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            days.Add(new DailyReplyRate(day, ReplyRate(storeId, null, MetricWindow.Day(day), now)));
        }

        return days;
    }

    public IReadOnlyList<AgentReplyRate> ReplyRateByAgent(string? storeId, MetricWindow window, DateTimeOffset now) =>
        [.. inquiries.Where(i => Store(i.StoreId, storeId) && In(window, i.StoreId, i.Start, now))
            .GroupBy(i => i.AgentId)
            .OrderBy(g => g.Key is null).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new AgentReplyRate(g.Key, ReplyRateOf(g, now)))];

    private ReplyRate ReplyRateOf(IEnumerable<Inquiry> selected, DateTimeOffset now)
    {
        var outcomes = selected.Select(i =>
        {
            var reply = i.Reply <= now ? i.Reply : null;
            var withdrawn = i.Withdrawn <= now ? i.Withdrawn : null;
            var deadline = i.Start.AddSeconds(Target);
            var outcome = !InServiceHours(i.StoreId, i.Start) ? "outside"
                : reply is { } r ? (r <= deadline ? "in_time" : "late")
                : withdrawn is { } w ? (w <= deadline ? "withdrawn" : "overdue")
                : now > deadline ? "overdue" : "pending";
            return (Outcome: outcome, Wait: reply is { } x ? (x - i.Start).TotalSeconds : 0);
        }).ToList();
        long Count(string outcome) => outcomes.LongCount(o => o.Outcome == outcome);
        var waits = outcomes.Where(o => o.Outcome is "in_time" or "late").Select(o => o.Wait).OrderBy(w => w).ToList();
        long inTime = Count("in_time"), late = Count("late"), overdue = Count("overdue");
        return new ReplyRate(
            inTime, late, overdue, Count("pending"), Count("withdrawn"), Count("outside"), Ratio(inTime, inTime + late + overdue),
            waits.Count == 0 ? null : waits.Average(), Percentile(waits, 0.5), Percentile(waits, 0.9));
    }

    public Nps Nps(string? storeId, string? agentId, MetricWindow window, DateTimeOffset now)
    {
        var mine = conversations.Where(c => c.SurveySent is not null && Store(c.StoreId, storeId) && (agentId is null || c.SurveyAgent == agentId)).ToList();
        var scores = mine.Where(c => c.Answered is { } a && In(window, c.StoreId, a, now)).Select(c => c.Score!.Value).ToList();
        var sent = mine.Where(c => In(window, c.StoreId, c.SurveySent!.Value, now)).ToList();
        long promoters = scores.Count(s => s >= 9), passives = scores.Count(s => s is 7 or 8), detractors = scores.Count(s => s <= 6);
        long answered = sent.Count(c => c.Answered <= now);
        return new Nps(promoters, passives, detractors, scores.Count == 0 ? null : 100.0 * (promoters - detractors) / scores.Count,
            sent.Count, answered, Ratio(answered, sent.Count));
    }

    public FirstContactResolution FirstContactResolution(string? storeId, string? agentId, MetricWindow window, DateTimeOffset now) =>
        FirstContactResolutionOf(conversations.Where(c => Store(c.StoreId, storeId) && (agentId is null || c.ResolvedAgent == agentId)), window, now);

    private FirstContactResolution FirstContactResolutionOf(IEnumerable<Conversation> selected, MetricWindow window, DateTimeOffset now)
    {
        var resolved = selected
            .Where(c => c.FirstResolved is { } r && In(window, c.StoreId, r, now))
            .Select(c =>
            {
                var end = c.FirstResolved!.Value.AddDays(7);
                var reopened = c.Reopened is { } o && o <= end && o <= now;
                var repeat = c.OrderId is not null && AboutSameOrder[(c.CustomerId, c.OrderId)].Any(n =>
                    n.Id != c.Id && n.Started > c.FirstResolved && n.Started <= end && n.Started <= now);
                return (Final: end <= now, FirstContact: !reopened && !repeat);
            })
            .ToList();
        long final = resolved.Count(r => r.Final), finalFirst = resolved.Count(r => r.Final && r.FirstContact), soFar = resolved.Count(r => r.FirstContact);
        return new FirstContactResolution(resolved.Count, final, finalFirst, Ratio(finalFirst, final), soFar, Ratio(soFar, resolved.Count));
    }

    /// <summary>docs/metrics.md, "Classification": every conversation as it is classified at the end of the log.</summary>
    public ClassificationFigures Classification(string? storeId, MetricWindow window, DateTimeOffset now)
    {
        var mine = conversations.Where(c => Store(c.StoreId, storeId)).ToList();
        var started = mine.Where(c => In(window, c.StoreId, c.Started, now)).ToList();
        long complaints = started.Count(c => c.IsComplaint);
        var botResolved = mine.Where(c => c.BotStarted && c.FirstResolved is { } r && In(window, c.StoreId, r, now)).ToList();
        long byBot = botResolved.Count(c => c.FirstHandedOff is null || c.FirstHandedOff > c.FirstResolved);
        var categories = Enum.GetValues<ConversationCategory>().Select(c => (Category: (ConversationCategory?)c, Name: c.Snake())).Append((null, "unclassified"));
        return new ClassificationFigures(
            new ComplaintRate(complaints, started.Count, Ratio(complaints, started.Count)),
            new BotResolutionRate(byBot, botResolved.Count, Ratio(byBot, botResolved.Count)),
            [.. categories.Select(k => new CategoryFirstContactResolution(k.Name, FirstContactResolutionOf(mine.Where(c => c.Category == k.Category), window, now)))]);
    }

    private ILookup<(string CustomerId, string? OrderId), Conversation> AboutSameOrder =>
        aboutSameOrder ??= conversations.ToLookup(c => (c.CustomerId, c.OrderId));

    private ILookup<(string CustomerId, string? OrderId), Conversation>? aboutSameOrder;

    public GoodReviewRate GoodReviewRate(string? storeId, string? agentId, MetricWindow window, DateTimeOffset now)
    {
        var selected = ratings.Where(r => Store(r.StoreId, storeId) && (agentId is null || r.AgentId == agentId) && In(window, r.StoreId, r.At, now)).ToList();
        long satisfied = selected.Count(r => r.Rating == SatisfactionRating.Satisfied);
        return new GoodReviewRate(satisfied, selected.Count, Ratio(satisfied, selected.Count));
    }

    public RefundTimes RefundTimes(string? storeId, MetricWindow window, DateTimeOffset now)
    {
        RefundKindTimes Of(string kind)
        {
            var paid = refunds.Where(r => r.Kind == kind && Store(r.StoreId, storeId) && In(window, r.StoreId, r.PaidAt, now)).ToList();
            var secs = paid.Select(r => (r.PaidAt - r.RequestedAt).TotalSeconds).OrderBy(s => s).ToList();
            long auto = paid.Count(r => r.Auto);
            return new RefundKindTimes(paid.Count, secs.Count == 0 ? null : secs.Average(), Percentile(secs, 0.9), auto, Ratio(auto, paid.Count));
        }

        return new RefundTimes(Of("refund_only"), Of("return_and_refund"));
    }

    public DisputeRate DisputeRate(string? storeId, MetricWindow window, DateTimeOffset now)
    {
        long atFault = disputes.Count(d => d.MerchantAtFault && Store(d.StoreId, storeId) && In(window, d.StoreId, d.At, now));
        long paid = Flow(storeId, "paid", window, now);
        return new DisputeRate(atFault, paid, Ratio(atFault, paid));
    }

    public OrderFlow OrderFlow(string? storeId, MetricWindow window, DateTimeOffset now) => new(
        Flow(storeId, "placed", window, now), Flow(storeId, "paid", window, now), Flow(storeId, "shipped", window, now),
        Flow(storeId, "delivered", window, now), Flow(storeId, "cancelled", window, now), null, null, null);

    public int Inquiries => inquiries.Count;

    private long Flow(string? storeId, string what, MetricWindow window, DateTimeOffset now) =>
        flow.LongCount(f => f.What == what && Store(f.StoreId, storeId) && In(window, f.StoreId, f.At, now));

    // ---- Calendar ---------------------------------------------------------------------------------------------------

    private static bool Store(string storeId, string? wanted) => wanted is null || storeId == wanted;

    private (TimeZoneInfo Zone, TimeOnly Opens, TimeOnly Closes) Calendar(string storeId) =>
        stores.TryGetValue(storeId, out var s) ? s : (TimeZoneInfo.Utc, new(8, 0), new(23, 0));

    private DateTime Local(string storeId, DateTimeOffset at) => TimeZoneInfo.ConvertTimeFromUtc(at.UtcDateTime, Calendar(storeId).Zone);

    private bool InServiceHours(string storeId, DateTimeOffset at)
    {
        var (_, opens, closes) = Calendar(storeId);
        var t = TimeOnly.FromDateTime(Local(storeId, at));
        return opens == closes || (opens < closes ? t >= opens && t < closes : t >= opens || t < closes);
    }

    private bool In(MetricWindow window, string storeId, DateTimeOffset at, DateTimeOffset now)
    {
        if (at > now)
        {
            return false;
        }

        if (window.IsRolling)
        {
            return at > now.AddDays(-30);
        }

        var day = DateOnly.FromDateTime(Local(storeId, at));
        return day >= window.From && day <= window.To;
    }

    private static TimeZoneInfo Zone(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);

    private static double? Ratio(long part, long whole) => whole == 0 ? null : (double)part / whole;

    /// <summary>PostgreSQL's <c>percentile_cont</c>: linear interpolation between the closest ranks.</summary>
    private static double? Percentile(List<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return null;
        }

        var position = p * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = (int)Math.Ceiling(position);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (position - lower));
    }
}
