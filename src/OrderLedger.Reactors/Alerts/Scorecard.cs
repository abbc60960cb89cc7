using System.Text.Json.Serialization;
using OrderLedger.Domain.Stores;
using OrderLedger.Metrics;
using OrderLedger.ReadModels;

namespace OrderLedger.Reactors.Alerts;

[JsonConverter(typeof(JsonStringEnumConverter<FigureState>))]
public enum FigureState
{
    /// <summary>Nothing to measure yet (no inquiries, no answers…): no state.</summary>
    None,
    Ok,
    AtRisk,
    Breached,
}

/// <summary>One figure of the cockpit against its target.</summary>
/// <param name="Sample">How many facts the figure is over (inquiries counted, NPS answers, final resolutions…); null for counts of the state now.</param>
/// <param name="Unit"><c>share</c> (0…1), <c>score</c> (NPS, −100…100), <c>seconds</c>, <c>hours</c> or <c>count</c>.</param>
public sealed record ScoredFigure(string Figure, double? Value, long? Sample, double Target, double AtRisk, bool HigherIsBetter, string Unit, FigureState State);

/// <summary>The queue now, against the store's first-reply target.</summary>
public sealed record QueueNow(int Waiting, int Breached, TimeSpan? OldestWait);

/// <summary>
/// Every figure of the cockpit against its target, with its state (docs/web.md, "Cockpit"): where more is better a value
/// below the target is breached and one below the at-risk value at risk; where less is better, above them. The first-reply
/// figures are held to the store's own SLA (<see cref="SlaTargets.FirstReplySeconds"/>, at risk from 80 % of it, as the
/// queue's flags); the others to <see cref="FigureTargets"/>.
/// </summary>
public static class Scorecard
{
    public const double AtRiskShareOfSla = ConversationQueries.DefaultAtRiskShare;

    public static IReadOnlyList<ScoredFigure> Of(MetricFigures figures, QueueNow queue, SlaTargets sla, FigureTargets targets)
    {
        double firstReply = sla.FirstReplySeconds;
        var reply = figures.ReplyRate;
        var refunds = figures.RefundTimes.RefundOnly;
        return
        [
            Higher("reply-rate", reply.Rate, reply.Counted, targets.ReplyRate, targets.ReplyRateAtRisk, "share"),
            Lower("first-response-p90", reply.FirstResponseP90Seconds, reply.InTime + reply.Late, firstReply, firstReply * AtRiskShareOfSla, "seconds"),
            Lower("queue-oldest-wait", queue.OldestWait?.TotalSeconds ?? (queue.Waiting == 0 ? 0 : null), queue.Waiting, firstReply, firstReply * AtRiskShareOfSla, "seconds"),
            Lower("queue-breached", queue.Breached, queue.Waiting, 0, 0, "count"),
            Higher("nps", figures.Nps.Score, figures.Nps.Answers, targets.Nps, targets.NpsAtRisk, "score"),
            Higher("first-contact-resolution", figures.FirstContactResolution.Rate, figures.FirstContactResolution.Final,
                targets.FirstContactResolution, targets.FirstContactResolutionAtRisk, "share"),
            Higher("good-review-rate", figures.GoodReviewRate.Rate, figures.GoodReviewRate.Ratings, targets.GoodReviewRate, targets.GoodReviewRateAtRisk, "share"),
            Lower("dispute-rate", figures.DisputeRate.Rate, figures.DisputeRate.PaidOrders, targets.DisputeRate, targets.DisputeRateAtRisk, "share"),
            Lower("refund-p90-hours", refunds.P90Seconds / 3600, refunds.Completed, targets.RefundHours, targets.RefundHoursAtRisk, "hours"),
            Lower("stuck-parcels", figures.OrderFlow.StuckParcels, null, targets.StuckParcels, targets.StuckParcels, "count"),
            Lower("logistics-exceptions", figures.OrderFlow.LogisticsExceptionsOpen, null, targets.LogisticsExceptions, targets.LogisticsExceptions, "count"),
        ];
    }

    public static FigureState StateOf(double? value, double target, double atRisk, bool higherIsBetter) => value switch
    {
        null => FigureState.None,
        { } v when higherIsBetter => v < target ? FigureState.Breached : v < atRisk ? FigureState.AtRisk : FigureState.Ok,
        { } v => v > target ? FigureState.Breached : v > atRisk ? FigureState.AtRisk : FigureState.Ok,
    };

    private static ScoredFigure Higher(string figure, double? value, long? sample, double target, double atRisk, string unit) =>
        new(figure, value, sample, target, atRisk, true, unit, StateOf(value, target, atRisk, true));

    private static ScoredFigure Lower(string figure, double? value, long? sample, double target, double atRisk, string unit) =>
        new(figure, value, sample, target, atRisk, false, unit, StateOf(value, target, atRisk, false));
}
