using OrderLedger.Domain.Conversations;
using OrderLedger.Metrics.Tests.Support;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.Metrics.Tests.Support.Day;

namespace OrderLedger.Metrics.Tests.Specs;

/// <summary>docs/metrics.md "Per priority": the reply rate and first-response time of each priority, against 180 s and against the priority's target.</summary>
public sealed class PriorityReplyRateSpecs(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly MetricWindow Today = MetricWindow.Day(Monday);
    private static readonly DateTimeOffset EndOfDay = At("23:59:59");
    private static readonly CustomerStanding Gold = new(0, "gold", new VipRule(null, ["gold"]));

    private static readonly IReadOnlyDictionary<ConversationPriority, int> Targets = new Dictionary<ConversationPriority, int>
    {
        [ConversationPriority.Vip] = 60, [ConversationPriority.Urgent] = 120, [ConversationPriority.Normal] = 180,
    };

    private static PriorityReplyRate Of(IReadOnlyList<PriorityReplyRate> rates, ConversationPriority priority) =>
        Assert.Single(rates, r => string.Equals(r.Priority, priority.ToString(), StringComparison.OrdinalIgnoreCase));

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    public async Task A_vip_answered_in_90_seconds_is_in_time_under_the_three_minutes_and_late_against_its_one_minute(int batchSize)
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var vip = l.Conversation("CV-VIP", customerId: "C-gold");
        await vip.StartedAs(At("10:00:00"), Gold);
        await vip.Assign("agent-1", At("10:00:00"));
        await vip.Customer(At("10:00:00"));
        await vip.Agent("agent-1", At("10:01:30"));
        var normal = l.Conversation("CV-N");
        await normal.OpenedWith("agent-2", At("11:00:00"));
        await normal.Customer(At("11:00:00"));
        await normal.Agent("agent-2", At("11:02:00"));

        var rates = await (await l.ProjectAsync(batchSize)).Service.GetReplyRateByPriorityAsync("S1", Today, EndOfDay, Targets);

        Assert.Equal(["vip", "urgent", "normal"], rates.Select(r => r.Priority));
        var vipRate = Of(rates, ConversationPriority.Vip);
        Assert.Equal((60, 1L, 0L, 1.0), (vipRate.TargetSeconds, vipRate.ThreeMinutes.InTime, vipRate.ThreeMinutes.Late, vipRate.ThreeMinutes.Rate!.Value));
        Assert.Equal((0L, 1L, 0.0), (vipRate.AgainstTarget.InTime, vipRate.AgainstTarget.Late, vipRate.AgainstTarget.Rate!.Value));
        Assert.Equal(90, vipRate.AgainstTarget.FirstResponseMeanSeconds);
        var normalRate = Of(rates, ConversationPriority.Normal);
        Assert.Equal((1L, 1L, 120.0), (normalRate.ThreeMinutes.InTime, normalRate.AgainstTarget.InTime, normalRate.ThreeMinutes.FirstResponseMeanSeconds!.Value));
        Assert.Equal((0L, null), (Of(rates, ConversationPriority.Urgent).ThreeMinutes.InTime, Of(rates, ConversationPriority.Urgent).ThreeMinutes.Rate));
    }

    [Fact]
    public async Task An_urgency_stated_while_the_customer_waits_measures_that_inquiry_as_urgent_and_the_store_total_is_unchanged()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var cv = l.Conversation("CV-U");
        await cv.OpenedWith("agent-1", At("10:00:00"));
        await cv.Customer(At("10:00:00"));
        await cv.Urgency(IssueUrgency.ParcelDamaged, "agent-1", At("10:00:30"));
        await cv.Agent("agent-1", At("10:02:30"));

        var queries = await l.ProjectAsync();
        var rates = await queries.Service.GetReplyRateByPriorityAsync("S1", Today, EndOfDay, Targets);
        var all = await queries.Service.GetReplyRateAsync("S1", null, Today, EndOfDay);

        var urgent = Of(rates, ConversationPriority.Urgent);
        Assert.Equal((1L, 0L), (urgent.ThreeMinutes.InTime, urgent.AgainstTarget.InTime)); // 150 s: within 180, past 120
        Assert.Equal(0L, Of(rates, ConversationPriority.Normal).ThreeMinutes.InTime);
        Assert.Equal(all.InTime, rates.Sum(r => r.ThreeMinutes.InTime));
        Assert.Equal(all.Late, rates.Sum(r => r.ThreeMinutes.Late));
    }

    [Fact]
    public async Task An_unanswered_vip_is_overdue_after_its_minute_while_still_pending_under_the_three_minutes()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var vip = l.Conversation("CV-WAIT", customerId: "C-gold");
        await vip.StartedAs(At("10:00:00"), Gold);
        await vip.Customer(At("10:00:00"));

        var rates = await (await l.ProjectAsync()).Service.GetReplyRateByPriorityAsync("S1", Today, At("10:02:00"), Targets);

        var vipRate = Of(rates, ConversationPriority.Vip);
        Assert.Equal((1L, 0L), (vipRate.ThreeMinutes.Pending, vipRate.ThreeMinutes.OverdueUnanswered));
        Assert.Equal((0L, 1L), (vipRate.AgainstTarget.Pending, vipRate.AgainstTarget.OverdueUnanswered));
    }
}
