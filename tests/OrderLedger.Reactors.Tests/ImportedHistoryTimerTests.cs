using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Orders;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.Reactors.Tests.ReactorHost;

namespace OrderLedger.Reactors.Tests;

/// <summary>
/// History imported through the command handlers (a connector backfilling yesterday's chat) arms timers that were due
/// long ago: the dispatcher holds them for <see cref="ReactorOptions.RecordedGrace"/> after the arming fact was
/// recorded, so the import's next facts of the stream come first; then the timer fires, dated at its due time.
/// </summary>
/// <remarks>
/// The host's "now" starts at the wall clock, the clock the event store stamps recorded facts with; its own class (and
/// database): the other tests' timers, due in their manual clocks' past, would all be due in this one's.
/// </remarks>
public sealed class ImportedHistoryTimerTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(2);

    /// <summary>The wall clock to the second: the bot hand-off's due time is kept to the microsecond only.</summary>
    private static DateTimeOffset WallClockNow() => DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    [Fact]
    public async Task A_bot_hand_off_armed_by_an_imported_message_waits_the_grace_after_its_recording_so_the_import_s_next_facts_are_accepted()
    {
        var clock = new ManualClock(WallClockNow());
        await using var host = await StartAsync(database, clock, recordedGrace: Grace);
        var yesterday = clock.Now.AddDays(-1);
        var id = Id("cv-");
        var stream = $"conversation-{id}";

        // Given yesterday's bot conversation, imported: its first message arms the hand-off, due since yesterday + 120 s.
        await host.Do(new StartConversation(id, "s-1", "c-1", "wechat", null, true, [], yesterday), yesterday);
        await host.Do(new ReceiveCustomerMessage(id, "m-1", "my parcel is damaged", yesterday.AddSeconds(5)), yesterday.AddSeconds(5));
        await host.WaitForTimerAsync(TimerKinds.BotHandOff, id);

        // When the import pauses before the conversation's next facts (the host's dispatcher polls every 100 ms meanwhile)
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(0, await host.Dispatcher.DispatchDueAsync());
        Assert.Empty(await host.DispatchedAsync(id));

        // Then they are accepted: a hand-off dated yesterday + 125 s would have refused the reply (occurred-at.before-last-event).
        await host.Do(new SendBotReply(id, "b-1", "Here are our return rules…", yesterday.AddSeconds(30)), yesterday.AddSeconds(30));
        await host.Do(new ReceiveCustomerMessage(id, "m-2", "that does not help", yesterday.AddSeconds(90)), yesterday.AddSeconds(90));
        Assert.DoesNotContain("conversation-handed-off", await host.TypesAsync(stream));

        // The grace counts from the arming message's recording (the store's timestamp), not from its business time.
        var recorded = (await host.EventsAsync(stream)).Single(e => e.Event is CustomerMessageReceived { MessageId: "m-1" }).Record.Created;
        clock.Set(recorded + Grace - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await host.Dispatcher.DispatchDueAsync());
        Assert.Empty(await host.DispatchedAsync(id));

        clock.Set(recorded + Grace);
        await host.EventuallyHasAsync(stream, "conversation-handed-off");
        var handOff = (ConversationHandedOff)(await host.EventsAsync(stream)).Single(e => e.Event is ConversationHandedOff).Event;
        Assert.Equal(ConversationDecider.BotNoAnswerReason, handOff.Reason);
        Assert.Equal(yesterday.AddSeconds(125), handOff.OccurredAt); // dated at its due time, as any timer's command
    }

    [Fact]
    public async Task Without_the_grace_the_same_import_is_raced_by_its_own_timer_and_its_next_fact_refused()
    {
        var clock = new ManualClock(WallClockNow());
        await using var host = await StartAsync(database, clock, recordedGrace: TimeSpan.Zero);
        var yesterday = clock.Now.AddDays(-1);
        var id = Id("cv-");

        await host.Do(new StartConversation(id, "s-1", "c-1", "wechat", null, true, [], yesterday), yesterday);
        await host.Do(new ReceiveCustomerMessage(id, "m-1", "my parcel is damaged", yesterday.AddSeconds(5)), yesterday.AddSeconds(5));
        await host.EventuallyHasAsync($"conversation-{id}", "conversation-handed-off");

        var reply = await host.Commands.ExecuteAsync(new SendBotReply(id, "b-1", "Here are our return rules…", yesterday.AddSeconds(30)), Ctx(yesterday.AddSeconds(30)));
        Assert.Equal(BusinessTime.BeforeLastEventRule, reply.Error?.Rule);
    }

    [Fact]
    public async Task A_live_fact_s_timer_due_at_once_is_not_held_by_the_grace()
    {
        var clock = new ManualClock(WallClockNow());
        await using var host = await StartAsync(database, clock, recordedGrace: Grace);
        var (store, _, sku) = await host.StoreWithStockAsync();

        // Given an order rejected now for a line that cannot be reserved: its case is due at once, and the fact is live.
        var now = WallClockNow();
        var tooMany = Order(store, sku, quantity: 11) with { PaymentDueAt = now.AddMinutes(30), OccurredAt = now };
        Assert.Equal("order.out-of-stock", (await host.Commands.ExecuteAsync(tooMany, Ctx(now))).Error?.Rule);
        await host.WaitForTimerAsync(TimerKinds.UnreservableLine, tooMany.OrderId);

        // When a few seconds pass (a grace counted from the recording alone would hold it for two minutes)
        clock.Set(now.AddSeconds(20));

        // Then the case opens, dated at the rejection.
        var caseStream = $"conversation-{ProactiveCases.ConversationId(ProactiveReason.UnreservableLine, tooMany.OrderId)}";
        await host.EventuallyHasAsync(caseStream, "conversation-started");
        Assert.Equal(now, ((ConversationStarted)(await host.EventsAsync(caseStream)).Single().Event).OccurredAt);
    }
}
