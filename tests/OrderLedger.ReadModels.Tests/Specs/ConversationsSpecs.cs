using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.ReadModels.Tests.Support;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.ReadModels.Tests.Support.Samples;

namespace OrderLedger.ReadModels.Tests.Specs;

public sealed class ConversationsSpecs(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly TimeSpan Sla = TimeSpan.FromSeconds(180);

    private ConversationQueries Conversations => new(database.DataSource);

    private static DateTimeOffset Sec(int seconds) => T0.AddSeconds(seconds);

    private static async Task Say(Ledger l, string id, int second, params object[] events) =>
        await l.AppendAsync(StreamIds.Conversation(id), Sec(second), events);

    private async Task Given(Func<Ledger, Task> given)
    {
        await using var ledger = await Ledger.OpenAsync(database);
        await given(ledger);
        await Projector.BuildAndPublishAsync(database.DataSource, new ConversationsProjection(), await ledger.ReadAsync());
    }

    [Fact]
    public async Task The_wait_starts_at_the_hand_off_and_later_messages_and_bot_replies_do_not_restart_it()
    {
        await Given(async l =>
        {
            await Say(l, "CW", 0, new ConversationStarted("CW", "S1", "C1", "chat", "O1", ConversationMode.Bot, Sec(0)));
            await Say(l, "CW", 10, new CustomerMessageReceived("CW", "m1", "hi", Sec(10)));
            await Say(l, "CW", 11, new BotReplied("CW", "b1", "hello", Sec(11)));
            await Say(l, "CW", 20, new ConversationHandedOff("CW", "asked-for-human", Sec(20)));
            await Say(l, "CW", 40, new CustomerMessageReceived("CW", "m2", "anyone?", Sec(40)));
            await Say(l, "CW", 41, new AgentAssigned("CW", "agent-1", null, Sec(41)));
        });

        var conversation = await Conversations.GetAsync("CW");

        Assert.NotNull(conversation);
        Assert.Equal(("open", "human", "agent-1", Sec(20)), (conversation.Status, conversation.Mode, conversation.AssignedAgent, conversation.WaitingSince));
        Assert.Equal((3, Sec(40)), (conversation.Messages, conversation.LastCustomerMessageAt));
    }

    [Fact]
    public async Task A_customer_message_in_bot_mode_keeps_nobody_waiting_for_a_human()
    {
        await Given(async l =>
        {
            await Say(l, "CB", 0, new ConversationStarted("CB", "S1", "C1", "chat", null, ConversationMode.Bot, Sec(0)));
            await Say(l, "CB", 1, new CustomerMessageReceived("CB", "m1", "opening hours?", Sec(1)));
        });

        var conversation = await Conversations.GetAsync("CB");

        Assert.NotNull(conversation);
        Assert.Null(conversation.WaitingSince);
    }

    [Fact]
    public async Task The_first_agent_reply_ends_the_wait_and_a_message_after_reopening_starts_a_new_one()
    {
        await Given(async l =>
        {
            await Say(l, "CR", 0, new ConversationStarted("CR", "S1", "C1", "email", null, ConversationMode.Human, Sec(0)));
            await Say(l, "CR", 5, new CustomerMessageReceived("CR", "m1", "refund?", Sec(5)));
            await Say(l, "CR", 6, new AgentAssigned("CR", "agent-2", null, Sec(6)));
            await Say(l, "CR", 100, new AgentReplied("CR", "agent-2", "a1", "done", Sec(100)));
            await Say(l, "CR", 200, new ConversationResolved("CR", "agent-2", Sec(200)));
            await Say(l, "CR", 300, new SatisfactionRated("CR", SatisfactionRating.Dissatisfied, Sec(300)));
            await Say(l, "CR", 900, new ConversationReopened("CR", Sec(900)), new CustomerMessageReceived("CR", "m2", "not received", Sec(900)));
        });

        var conversation = await Conversations.GetAsync("CR");

        Assert.NotNull(conversation);
        Assert.Equal(("open", 1, Sec(900)), (conversation.Status, conversation.Reopens, conversation.WaitingSince));
        Assert.Equal(("dissatisfied", Sec(200), Sec(100)), (conversation.Satisfaction, conversation.ResolvedAt, conversation.LastAgentReplyAt));
    }

    [Fact]
    public async Task The_queue_lists_who_waits_longest_first_with_the_wait_and_the_sla_state()
    {
        await Given(async l =>
        {
            // Breached: waiting since 0 s. At risk: since 40 s. Fresh: since 150 s. Answered and resolved ones are not queued.
            await Say(l, "Q-breached", 0, new ConversationStarted("Q-breached", "S1", "C1", "chat", null, ConversationMode.Human, Sec(0)),
                new CustomerMessageReceived("Q-breached", "m", "help", Sec(0)));
            await Say(l, "Q-risk", 30, new ConversationStarted("Q-risk", "S1", "C2", "chat", null, ConversationMode.Bot, Sec(30)));
            await Say(l, "Q-risk", 40, new ConversationHandedOff("Q-risk", "asked-for-human", Sec(40)));
            await Say(l, "Q-risk", 41, new AgentAssigned("Q-risk", "agent-1", null, Sec(41)));
            await Say(l, "Q-fresh", 150, new ConversationStarted("Q-fresh", "S1", "C3", "chat", null, ConversationMode.Human, Sec(150)),
                new CustomerMessageReceived("Q-fresh", "m", "hello", Sec(150)));
            await Say(l, "Q-answered", 0, new ConversationStarted("Q-answered", "S1", "C4", "chat", null, ConversationMode.Human, Sec(0)),
                new CustomerMessageReceived("Q-answered", "m", "hi", Sec(0)), new AgentAssigned("Q-answered", "agent-1", null, Sec(1)));
            await Say(l, "Q-answered", 60, new AgentReplied("Q-answered", "agent-1", "a", "hello", Sec(60)));
            await Say(l, "Q-resolved", 0, new ConversationStarted("Q-resolved", "S1", "C5", "chat", null, ConversationMode.Human, Sec(0)),
                new CustomerMessageReceived("Q-resolved", "m", "never mind", Sec(0)), new ConversationResolved("Q-resolved", "customer", Sec(30)));
            await Say(l, "Q-elsewhere", 0, new ConversationStarted("Q-elsewhere", "S2", "C6", "chat", null, ConversationMode.Human, Sec(0)),
                new CustomerMessageReceived("Q-elsewhere", "m", "hi", Sec(0)));
        });

        var queue = await Conversations.GetQueueAsync(["S1"], now: Sec(190), Sla);

        Assert.Equal(
            [
                ("Q-breached", TimeSpan.FromSeconds(190), false, true),
                ("Q-risk", TimeSpan.FromSeconds(150), true, false),
                ("Q-fresh", TimeSpan.FromSeconds(40), false, false),
            ],
            queue.Select(q => (q.Conversation.ConversationId, q.Waiting, q.SlaAtRisk, q.SlaBreached)));
        Assert.Equal(["Q-risk"], (await Conversations.GetQueueAsync(["S1"], Sec(190), Sla, agentId: "agent-1")).Select(q => q.Conversation.ConversationId));
    }

    [Fact]
    public async Task Waiting_exactly_the_target_is_still_in_time()
    {
        await Given(l => Say(l, "Q-edge", 0, new ConversationStarted("Q-edge", "S7", "C1", "chat", null, ConversationMode.Human, Sec(0)),
            new CustomerMessageReceived("Q-edge", "m", "hi", Sec(0))));

        var edge = Assert.Single(await Conversations.GetQueueAsync(["S7"], Sec(180), Sla));

        Assert.Equal((true, false), (edge.SlaAtRisk, edge.SlaBreached));
    }
}
