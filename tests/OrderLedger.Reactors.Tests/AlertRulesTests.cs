using System.Text.Json;
using OrderLedger.Domain.Alerts;
using OrderLedger.Metrics;
using OrderLedger.Reactors.Alerts;
using Xunit;

namespace OrderLedger.Reactors.Tests;

/// <summary>The pure parts: figure states against targets, the rules' thresholds, the WeCom message.</summary>
public sealed class AlertRulesTests
{
    private static readonly FigureTargets Targets = new();

    private static ReplyRate Replies(long inTime, long late) => new(inTime, late, 0, 0, 0, 0, inTime + late == 0 ? null : (double)inTime / (inTime + late), null, null, null);

    private static AlertInputs Quiet => new(Replies(0, 0), new QueueNow(0, 0, null), 180, 0, 0, 0, 0, []);

    private static AlertCheck Rule(AlertInputs inputs, string rule) => AlertRules.Check(inputs, Targets).Single(c => c.Rule == rule);

    [Theory]
    [InlineData(0.79, true, "Breached")]
    [InlineData(0.8, true, "AtRisk")]
    [InlineData(0.85, true, "Ok")]
    [InlineData(181.0, false, "Breached")]
    [InlineData(180.0, false, "AtRisk")]
    [InlineData(144.0, false, "Ok")]
    public void A_figure_is_breached_past_its_target_and_at_risk_past_the_at_risk_value(double value, bool higherIsBetter, string state)
    {
        var (target, atRisk) = higherIsBetter ? (0.8, 0.85) : (180.0, 144.0);
        Assert.Equal(Enum.Parse<FigureState>(state), Scorecard.StateOf(value, target, atRisk, higherIsBetter));
    }

    [Fact]
    public void A_figure_without_data_has_no_state() => Assert.Equal(FigureState.None, Scorecard.StateOf(null, 0.8, 0.85, true));

    [Fact]
    public void The_last_hours_reply_rate_alerts_only_from_the_minimum_sample()
    {
        Assert.False(Rule(Quiet with { ReplyRateLastHour = Replies(1, 3) }, "reply-rate").Holds);     // 25 % of 4: too few to tell
        Assert.True(Rule(Quiet with { ReplyRateLastHour = Replies(2, 3) }, "reply-rate").Holds);      // 40 % of 5
        Assert.False(Rule(Quiet with { ReplyRateLastHour = Replies(4, 1) }, "reply-rate").Holds);     // 80 %: the target itself is met
    }

    [Fact]
    public void A_complaint_spike_is_the_minimum_and_three_times_the_usual_hour()
    {
        Assert.False(Rule(Quiet with { ComplaintsLastHour = 2, ComplaintsPerHourBefore = 0 }, "complaint-spike").Holds);
        Assert.True(Rule(Quiet with { ComplaintsLastHour = 3, ComplaintsPerHourBefore = 0.5 }, "complaint-spike").Holds);
        Assert.False(Rule(Quiet with { ComplaintsLastHour = 5, ComplaintsPerHourBefore = 2 }, "complaint-spike").Holds);   // 6 would be a spike
    }

    [Fact]
    public void Every_faulted_projection_is_its_own_subject()
    {
        var checks = AlertRules.Check(Quiet with { Projections = [("orders", true, "boom"), ("refunds", false, null)] }, Targets)
            .Where(c => c.Rule == "projection-faulted").ToList();
        Assert.Equal([("orders", true), ("refunds", false)], checks.Select(c => (c.Subject, c.Holds)));
        Assert.Contains("boom", checks[0].Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_escalated_work_order_without_a_plan_is_its_own_subject_and_an_answered_one_recovers()
    {
        var checks = AlertRules.Check(Quiet with { EscalatedWorkOrders = ["t-1"], OpenWorkOrderAlerts = ["t-1", "t-0"] }, Targets)
            .Where(c => c.Rule == AlertsDecider.WorkOrderEscalatedRule).ToList();

        Assert.Equal([("t-1", true), ("t-0", false)], checks.Select(c => (c.Subject, c.Holds)));
        Assert.DoesNotContain(AlertRules.Check(Quiet, Targets), c => c.Rule == AlertsDecider.WorkOrderEscalatedRule);
    }

    [Fact]
    public void The_wecom_message_is_a_markdown_robot_message()
    {
        var alert = new AlertSummary("s1/3", "s1", "stuck-parcels", "store", "4 parcels stuck", 4, 0, new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero), null, null);
        var json = JsonSerializer.SerializeToElement(AlertWebhookMessage.Of(alert, AlertWebhookMessage.Raised).ToWeCom());

        Assert.Equal("markdown", json.GetProperty("msgtype").GetString());
        var content = json.GetProperty("markdown").GetProperty("content").GetString()!;
        Assert.Contains("4 parcels stuck", content, StringComparison.Ordinal);
        Assert.Contains("s1/3", content, StringComparison.Ordinal);
        Assert.Equal(2, json.EnumerateObject().Count());
    }
}
