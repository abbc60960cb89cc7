namespace OrderLedger.Domain.Tests.Specs;

/// <summary>The limits on a command's business time: not beyond the clock plus the skew, not before the stream's last fact.</summary>
public class BusinessTimeSpecs
{
    private static readonly DateTimeOffset Now = new(2030, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    [Fact]
    public void A_time_within_the_skew_ahead_of_the_clock_is_accepted() =>
        Assert.Null(BusinessTime.Check(Now + Skew, Now, Skew, lastEventAt: null));

    [Fact]
    public void A_time_beyond_the_skew_is_refused_naming_occurred_at()
    {
        var error = BusinessTime.Check(Now + Skew + TimeSpan.FromTicks(1), Now, Skew, lastEventAt: null);

        Assert.Equal(BusinessTime.InTheFutureRule, error?.Rule);
        Assert.Equal("occurredAt", error?.Field);
        Assert.Equal(DomainErrorKind.Invalid, error?.Kind);
    }

    [Fact]
    public void A_payment_timeout_dated_a_year_ahead_is_refused() =>
        Assert.Equal(BusinessTime.InTheFutureRule, BusinessTime.Check(Now.AddYears(1), Now, Skew, lastEventAt: null)?.Rule);

    [Fact]
    public void A_time_equal_to_the_last_event_is_accepted() =>
        Assert.Null(BusinessTime.Check(Now.AddHours(-1), Now, Skew, lastEventAt: Now.AddHours(-1)));

    [Fact]
    public void A_time_before_the_last_event_is_refused_naming_occurred_at()
    {
        var error = BusinessTime.Check(Now.AddHours(-1).AddTicks(-1), Now, Skew, lastEventAt: Now.AddHours(-1));

        Assert.Equal(BusinessTime.BeforeLastEventRule, error?.Rule);
        Assert.Equal("occurredAt", error?.Field);
    }

    [Fact]
    public void A_time_far_in_the_past_is_accepted_on_a_new_stream_as_imports_of_history_need() =>
        Assert.Null(BusinessTime.Check(Now.AddYears(-5), Now, Skew, lastEventAt: null));

    [Fact]
    public void Offsets_do_not_matter_only_the_instant()
    {
        var inShanghai = Now.ToOffset(TimeSpan.FromHours(8));

        Assert.Null(BusinessTime.Check(inShanghai, Now, TimeSpan.Zero, lastEventAt: Now));
    }

    [Fact]
    public void Shared_streams_do_not_keep_time_order_every_aggregate_stream_does()
    {
        Assert.False(Stock.StockDecider.Decider.KeepsTimeOrder);
        Assert.False(Stores.StoreDecider.Decider.KeepsTimeOrder);
        Assert.True(Orders.OrderDecider.Decider.KeepsTimeOrder);
        Assert.True(Conversations.ConversationDecider.Decider.KeepsTimeOrder);
        Assert.True(Refunds.RefundDecider.Decider.KeepsTimeOrder);
        Assert.True(Shipments.ShipmentDecider.Decider.KeepsTimeOrder);
    }
}
