using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Stores;
using OrderLedger.Metrics.Tests.Support;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.Metrics.Tests.Support.Day;

namespace OrderLedger.Metrics.Tests.Specs;

/// <summary>
/// Issue 13 item 5 at the level of the figure, through the command handlers: a reply dated before the message it
/// answers is refused, so it cannot make a late reply count as a fast one.
/// </summary>
public sealed class BusinessTimeSpecs(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task An_agent_reply_dated_before_the_customer_message_is_refused_and_the_real_late_reply_counts_as_late()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var (storeId, conversationId) = ("S-" + Guid.NewGuid().ToString("N")[..6], "CV-" + Guid.NewGuid().ToString("N")[..6]);
        await l.RunAsync(new RegisterStore(storeId, "Shop", "UTC", "EUR", At("00:00")));
        await l.RunAsync(new StartConversation(conversationId, storeId, "C1", "chat", null, false, [], At("09:59:00")));
        await l.RunAsync(new AssignAgent(conversationId, "agent-1", At("09:59:00")));
        await l.RunAsync(new ReceiveCustomerMessage(conversationId, "m1", "hello?", At("10:00:00")));

        var backdated = await l.TryAsync(new SendAgentReply(conversationId, "agent-1", "m2", "hi!", At("09:59:30")));
        await l.RunAsync(new SendAgentReply(conversationId, "agent-1", "m2", "hi!", At("10:10:00")));

        Assert.Equal(BusinessTime.BeforeLastEventRule, backdated.Error?.Rule);
        var rate = await (await l.ProjectAsync()).Service.GetReplyRateAsync(storeId, null, MetricWindow.Day(Monday), At("23:59:59"));
        Assert.Equal((0, 1), (rate.InTime, rate.Late));
    }
}
