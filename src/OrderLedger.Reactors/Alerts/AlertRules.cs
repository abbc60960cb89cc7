using System.Globalization;
using OrderLedger.Domain.Alerts;
using OrderLedger.Metrics;

namespace OrderLedger.Reactors.Alerts;

/// <summary>What the rules look at for one store at one moment (read by <see cref="AlertEvaluator"/>).</summary>
/// <param name="ComplaintsPerHourBefore">The store's average complaints per hour over the 7 days before the last hour.</param>
/// <param name="MissedEscalationDeadlines">Escalated conversations still open after their 48 h deadline was recorded as missed.</param>
/// <param name="Projections">Every projection of the process and whether it is faulted (a faulted one stops the figures it feeds).</param>
/// <param name="EscalatedWorkOrders">Work orders escalated to the director at their first-plan deadline, still without a plan or resolution.</param>
/// <param name="OpenWorkOrderAlerts">The tickets with an open <c>work-order-escalated</c> alert (to recover those no longer escalated and waiting).</param>
public sealed record AlertInputs(
    ReplyRate ReplyRateLastHour,
    QueueNow Queue,
    int FirstReplySeconds,
    long? StuckParcels,
    long ComplaintsLastHour,
    double ComplaintsPerHourBefore,
    long MissedEscalationDeadlines,
    IReadOnlyList<(string Name, bool Faulted, string? Error)> Projections,
    IReadOnlyList<string>? EscalatedWorkOrders = null,
    IReadOnlyCollection<string>? OpenWorkOrderAlerts = null);

/// <summary>One rule for one subject: whether its condition holds now, and what was seen.</summary>
public sealed record AlertCheck(string Rule, string Subject, bool Holds, string Summary, double? Value = null, double? Target = null);

/// <summary>
/// The alert rules, pure: every check for a store, breached or not, so the reactor can raise what holds and recover what
/// no longer does (docs/reactors.md, "Alerts").
/// </summary>
public static class AlertRules
{
    public static readonly TimeSpan LastHour = TimeSpan.FromHours(1);

    /// <summary>The complaint baseline: the hourly average over this span before the last hour.</summary>
    public static readonly TimeSpan ComplaintBaseline = TimeSpan.FromDays(7);

    public static IReadOnlyList<AlertCheck> Check(AlertInputs inputs, FigureTargets targets)
    {
        const string store = AlertsDecider.StoreSubject;
        var reply = inputs.ReplyRateLastHour;
        var replyBreached = reply.Counted >= targets.ReplyRateMinInquiries && reply.Rate < targets.ReplyRate;
        var complaintThreshold = Math.Max(targets.ComplaintSpikeMinimum, targets.ComplaintSpikeFactor * inputs.ComplaintsPerHourBefore);
        var checks = new List<AlertCheck>
        {
            new("reply-rate", store, replyBreached,
                $"Reply rate in the last hour {Percent(reply.Rate)} ({reply.InTime} of {reply.Counted} inquiries answered within {ServiceMetricsQueries.ReplyTargetSeconds} s), target {Percent(targets.ReplyRate)}",
                reply.Rate, targets.ReplyRate),
            new("queue-wait", store, inputs.Queue.Breached > 0,
                $"{inputs.Queue.Breached} of {inputs.Queue.Waiting} waiting conversations over their priority's first-reply target (normal {inputs.FirstReplySeconds} s)"
                + (inputs.Queue.OldestWait is { } oldest ? $"; the oldest has waited {Duration(oldest)}" : ""),
                inputs.Queue.Breached, 0),
            new("stuck-parcels", store, inputs.StuckParcels > targets.StuckParcels,
                $"{inputs.StuckParcels?.ToString(CultureInfo.InvariantCulture) ?? "–"} parcels without carrier movement for 48 h, target at most {targets.StuckParcels.ToString(CultureInfo.InvariantCulture)}",
                inputs.StuckParcels, targets.StuckParcels),
            new("complaint-spike", store, inputs.ComplaintsLastHour >= complaintThreshold,
                $"{inputs.ComplaintsLastHour} complaints (conversations classified as complaints, dissatisfied ratings, NPS detractors) in the last hour; usual {inputs.ComplaintsPerHourBefore.ToString("0.##", CultureInfo.InvariantCulture)} an hour, spike from {complaintThreshold.ToString("0.##", CultureInfo.InvariantCulture)}",
                inputs.ComplaintsLastHour, complaintThreshold),
            new("escalation-deadline", store, inputs.MissedEscalationDeadlines > 0,
                $"{inputs.MissedEscalationDeadlines} escalated conversations unresolved past their 48 h deadline",
                inputs.MissedEscalationDeadlines, 0),
        };
        checks.AddRange(inputs.Projections.Select(p => new AlertCheck(
            "projection-faulted", p.Name, p.Faulted,
            p.Faulted ? $"Projection {p.Name} is faulted and has stopped: {p.Error ?? "no error recorded"}" : $"Projection {p.Name} is running")));
        var escalated = inputs.EscalatedWorkOrders ?? [];
        checks.AddRange(escalated.Select(ticket => new AlertCheck(
            AlertsDecider.WorkOrderEscalatedRule, ticket, true, $"Work order {ticket} missed its first-plan deadline and went to the director; no plan or resolution yet")));
        checks.AddRange((inputs.OpenWorkOrderAlerts ?? []).Except(escalated, StringComparer.Ordinal).Select(ticket => new AlertCheck(
            AlertsDecider.WorkOrderEscalatedRule, ticket, false, $"Work order {ticket} has its plan or resolution")));
        return checks;
    }

    private static string Percent(double? share) => share is { } s ? (s * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %" : "–";

    private static string Duration(TimeSpan span) =>
        span.TotalDays >= 1 ? $"{(int)span.TotalDays} d {span.Hours} h"
        : span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes} min"
        : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes} min {span.Seconds} s"
        : $"{(int)span.TotalSeconds} s";
}
