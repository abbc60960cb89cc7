using OrderLedger.Domain.Conversations;
using OrderLedger.Metrics.Tests.Support;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.Metrics.Tests.Support.Day;

namespace OrderLedger.Metrics.Tests.Specs;

/// <summary>Handled per agent (docs/metrics.md, "Handled per agent"), the conversations driven through the command handlers.</summary>
public sealed class AgentHandledSpecs(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task An_agent_handles_the_distinct_conversations_staff_resolved_while_they_had_them_on_the_local_day_of_the_resolution()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        await l.StoreAsync("S1", "Asia/Shanghai");
        var first = l.Conversation("CV1");
        await first.OpenedWith("ann", At("01:00"));
        await first.Resolve(At("15:30"), by: "ann"); // 23:30 Monday in Shanghai
        await first.Reopen(At("15:40"));
        await first.Resolve(At("16:10"), by: "sue"); // 00:10 Tuesday: still ann's conversation, handled again on Tuesday
        var second = l.Conversation("CV2");
        await second.OpenedWith("ann", At("02:00"));
        await second.Assign("bob", At("02:05"));
        await second.Resolve(At("03:00"), by: "bob");
        var withdrawn = l.Conversation("CV3");
        await withdrawn.OpenedWith("ann", At("04:00"));
        await withdrawn.Resolve(At("04:01"), by: ConversationDecider.ResolvedByCustomer);
        var unassigned = l.Conversation("CV4");
        await unassigned.Started(At("05:00"));
        await unassigned.Resolve(At("05:10"), by: "cat");
        await Projector.BuildAndPublishAsync(db.DataSource, new AgentHandledProjection(), await l.ReadAsync());
        var handled = new AgentHandledQueries(db.DataSource);

        var window = await handled.GetAsync("S1", null, MetricWindow.Days(Monday, Monday.AddDays(1)), After(2, "00:00"));

        Assert.Equal(
            [new AgentHandled("ann", 1, [new HandledDay(Monday, 1), new HandledDay(Monday.AddDays(1), 1)]), new AgentHandled("bob", 1, [new HandledDay(Monday, 1)])],
            window, new AgentHandledComparer());
        var asOfMondayNight = await handled.GetAsync("S1", "ann", MetricWindow.Rolling30Days, At("16:00"));
        Assert.Equal((1L, 1), (Assert.Single(asOfMondayNight).Handled, asOfMondayNight[0].Days.Count));
        Assert.Empty(await handled.GetAsync("S2", null, MetricWindow.Rolling30Days, After(2, "00:00")));
    }

    private sealed class AgentHandledComparer : IEqualityComparer<AgentHandled>
    {
        public bool Equals(AgentHandled? x, AgentHandled? y) =>
            x is not null && y is not null && x.AgentId == y.AgentId && x.Handled == y.Handled && x.Days.SequenceEqual(y.Days);

        public int GetHashCode(AgentHandled obj) => obj.AgentId.GetHashCode(StringComparison.Ordinal);
    }
}
