using OrderLedger.EventStore.EventStoreDb.Tests.Fakes;

namespace OrderLedger.EventStore.EventStoreDb.Tests;

public sealed class SubscriptionTrackerTests
{
    private static List<SubscriptionMessage> Feed(SubscriptionTracker tracker, params Protocol.ReadResp[] responses) =>
        responses.SelectMany(tracker.Handle).ToList();

    [Fact]
    public void Events_are_delivered_and_remembered_as_the_resume_point()
    {
        var tracker = new SubscriptionTracker(null, emitCheckpoints: false, head: new Position(300, 300));

        var messages = Feed(tracker, Server.Confirmation(), Server.Event("order-1", 0, 100), Server.Event("order-1", 1, 200));

        Assert.Equal(new ulong[] { 0, 1 }, messages.OfType<SubscriptionMessage.Event>().Select(m => m.Record.Revision));
        Assert.Equal(new Position(200, 200), tracker.ResumeAfter);
        Assert.False(tracker.IsCaughtUp);
    }

    [Fact]
    public void The_servers_caught_up_is_reported_once()
    {
        var tracker = new SubscriptionTracker(null, emitCheckpoints: false, head: new Position(900, 900));

        var messages = Feed(tracker, Server.Confirmation(), Server.Event("order-1", 0, 100), Server.CaughtUp(150), Server.CaughtUp(160));

        Assert.Equal(new Position(150, 150), Assert.Single(messages.OfType<SubscriptionMessage.CaughtUp>()).Position);
        // A later caught-up (after falling behind) still carries a safe resume point.
        Assert.Equal(new Position(160, 160), tracker.ResumeAfter);
    }

    [Fact]
    public void Caught_up_without_a_position_reports_the_last_delivered_event()
    {
        var tracker = new SubscriptionTracker(null, emitCheckpoints: false, head: new Position(900, 900));

        var messages = Feed(tracker, Server.Event("order-1", 0, 100), Server.CaughtUp());

        Assert.Equal(new Position(100, 100), Assert.Single(messages.OfType<SubscriptionMessage.CaughtUp>()).Position);
    }

    [Fact]
    public void Without_caught_up_from_the_server_reaching_the_head_is_caught_up_right_after_that_event()
    {
        var tracker = new SubscriptionTracker(null, emitCheckpoints: false, head: new Position(200, 200));

        var messages = Feed(tracker, Server.Confirmation(), Server.Event("a", 0, 100), Server.Event("a", 1, 200), Server.Event("a", 2, 300));

        Assert.Collection(
            messages,
            m => Assert.Equal(0ul, Assert.IsType<SubscriptionMessage.Event>(m).Record.Revision),
            m => Assert.Equal(1ul, Assert.IsType<SubscriptionMessage.Event>(m).Record.Revision),
            m => Assert.Equal(new Position(200, 200), Assert.IsType<SubscriptionMessage.CaughtUp>(m).Position),
            m => Assert.Equal(2ul, Assert.IsType<SubscriptionMessage.Event>(m).Record.Revision));
    }

    [Fact]
    public void An_empty_log_is_caught_up_at_confirmation()
    {
        var tracker = new SubscriptionTracker(null, emitCheckpoints: false, head: null);

        var messages = Feed(tracker, Server.Confirmation());

        Assert.Equal(Position.Start, Assert.IsType<SubscriptionMessage.CaughtUp>(Assert.Single(messages)).Position);
    }

    [Fact]
    public void Starting_at_the_head_is_caught_up_at_confirmation()
    {
        var tracker = new SubscriptionTracker(new Position(200, 200), emitCheckpoints: false, head: new Position(200, 200));

        var messages = Feed(tracker, Server.Confirmation());

        Assert.Equal(new Position(200, 200), Assert.IsType<SubscriptionMessage.CaughtUp>(Assert.Single(messages)).Position);
    }

    [Fact]
    public void Events_at_or_before_the_resume_point_are_not_delivered_again()
    {
        var tracker = new SubscriptionTracker(new Position(200, 200), emitCheckpoints: false, head: new Position(900, 900));

        var messages = Feed(tracker, Server.Event("a", 1, 200), Server.Event("a", 0, 100), Server.Event("a", 2, 300));

        Assert.Equal(2ul, Assert.IsType<SubscriptionMessage.Event>(Assert.Single(messages)).Record.Revision);
    }

    [Fact]
    public void System_events_move_the_resume_point_but_are_not_delivered()
    {
        var tracker = new SubscriptionTracker(null, emitCheckpoints: true, head: new Position(900, 900));

        var messages = Feed(tracker, Server.Event("$$order-1", 0, 100, "$metadata"));

        Assert.Empty(messages);
        Assert.Equal(new Position(100, 100), tracker.ResumeAfter);
    }

    [Fact]
    public void Checkpoints_reach_the_caller_only_for_a_caller_filter()
    {
        var filtered = new SubscriptionTracker(null, emitCheckpoints: true, head: new Position(900, 900));
        var unfiltered = new SubscriptionTracker(null, emitCheckpoints: false, head: new Position(900, 900));

        var withFilter = Feed(filtered, Server.Checkpoint(500, 500));
        var withoutFilter = Feed(unfiltered, Server.Checkpoint(500, 500));

        Assert.Equal(new Position(500, 500), Assert.IsType<SubscriptionMessage.Checkpoint>(Assert.Single(withFilter)).Position);
        Assert.Empty(withoutFilter);
        Assert.Equal(new Position(500, 500), unfiltered.ResumeAfter);
    }

    [Fact]
    public void A_checkpoint_behind_the_resume_point_is_ignored()
    {
        var tracker = new SubscriptionTracker(new Position(600, 600), emitCheckpoints: true, head: new Position(900, 900));

        Assert.Empty(Feed(tracker, Server.Checkpoint(500, 500)));
        Assert.Equal(new Position(600, 600), tracker.ResumeAfter);
    }

    [Fact]
    public void A_checkpoint_past_the_head_means_caught_up()
    {
        var tracker = new SubscriptionTracker(null, emitCheckpoints: true, head: new Position(400, 400));

        var messages = Feed(tracker, Server.Checkpoint(500, 500));

        Assert.IsType<SubscriptionMessage.Checkpoint>(messages[0]);
        Assert.Equal(new Position(500, 500), Assert.IsType<SubscriptionMessage.CaughtUp>(messages[1]).Position);
    }

    [Fact]
    public void Falling_behind_changes_nothing_for_the_caller()
    {
        var tracker = new SubscriptionTracker(null, emitCheckpoints: false, head: null);
        Feed(tracker, Server.Confirmation());

        Assert.Empty(Feed(tracker, Server.FellBehind(), Server.CaughtUp(100)));
    }
}
