using OrderLedger.EventStore.Serialization;
using OrderLedger.Domain.Conversations;
using OrderLedger.Metrics.Tests.Support;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.Metrics.Tests.Support.Day;

namespace OrderLedger.Metrics.Tests.Specs;

/// <summary>§5 "Three-minute human reply rate": given these conversation events, then these figures.</summary>
public sealed class ReplyRateSpecs(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly MetricWindow Today = MetricWindow.Day(Monday);
    private static readonly DateTimeOffset EndOfDay = At("23:59:59");

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    public async Task The_worked_example_of_the_brief_is_one_inquiry_in_time_and_one_late(int batchSize)
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var cv = l.Conversation("CV1");
        await cv.OpenedWith("agent-1", At("09:59:00"));
        await cv.Customer(At("10:00:00"));
        await cv.Customer(At("10:00:40"));
        await cv.Bot(At("10:01:00"));
        await cv.Agent("agent-1", At("10:02:59"));
        await cv.Customer(At("10:05:00"));
        await cv.Agent("agent-1", At("10:08:01"));

        var rate = await (await l.ProjectAsync(batchSize)).Service.GetReplyRateAsync("S1", null, Today, EndOfDay);

        Assert.Equal(1, rate.InTime);
        Assert.Equal(1, rate.Late);
        Assert.Equal(0, rate.OverdueUnanswered);
        Assert.Equal(0.5, rate.Rate);
        Assert.Equal(180, rate.FirstResponseMeanSeconds); // (179 + 181) / 2
        Assert.Equal(180, rate.FirstResponseP50Seconds);
        Assert.Equal(180.8, rate.FirstResponseP90Seconds!.Value, 6); // 179 + 0.9 × (181 − 179)
    }

    [Fact]
    public async Task A_reply_exactly_180_seconds_after_the_start_is_in_time_and_one_a_second_or_a_millisecond_later_is_late()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var exactly = l.Conversation("CV-180");
        await exactly.OpenedWith("agent-1", At("10:00:00"));
        await exactly.Customer(At("10:00:00"));
        await exactly.Agent("agent-1", At("10:03:00"));
        var oneMore = l.Conversation("CV-181");
        await oneMore.OpenedWith("agent-1", At("11:00:00"));
        await oneMore.Customer(At("11:00:00"));
        await oneMore.Agent("agent-1", At("11:03:01"));
        var aMillisecondMore = l.Conversation("CV-180.001");
        await aMillisecondMore.OpenedWith("agent-1", At("12:00:00"));
        await aMillisecondMore.Customer(At("12:00:00"));
        await aMillisecondMore.Agent("agent-1", At("12:03:00.001"));

        var rate = await (await l.ProjectAsync()).Service.GetReplyRateAsync("S1", null, Today, EndOfDay);

        Assert.Equal((1, 2), (rate.InTime, rate.Late));
    }

    [Fact]
    public async Task A_proactive_case_with_no_customer_message_is_no_inquiry_the_customer_s_answer_starts_one()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        await l.RunAsync(
            new StartConversation("CV-CASE", "S1", "C1", ProactiveCases.Channel, "O1", false, [], At("10:00:00")) { ProactiveReason = ProactiveReason.PaidNotShipped },
            Actor.System("reactor-paid-not-shipped"));
        var cv = l.Conversation("CV-CASE");
        await cv.Assign("agent-1", At("10:00:10"));
        var unanswered = await (await l.ProjectAsync()).Service.GetReplyRateAsync("S1", null, Today, At("11:00:00"));

        await cv.Agent("agent-1", At("11:00:00"));
        await cv.Customer(At("12:00:00"));
        await cv.Agent("agent-1", At("12:02:00"));
        var answered = await (await l.ProjectAsync()).Service.GetReplyRateAsync("S1", null, Today, EndOfDay);

        Assert.Equal((0L, 0L, (double?)null), (unanswered.Pending, unanswered.Counted, unanswered.Rate));
        Assert.Equal((1L, 1L, 120.0), (answered.InTime, answered.Counted, answered.FirstResponseMeanSeconds));
    }

    [Fact]
    public async Task An_unanswered_inquiry_is_pending_up_to_180_seconds_and_overdue_after_evaluated_against_now()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var cv = l.Conversation("CV1");
        await cv.OpenedWith("agent-1", At("10:00:00"));
        await cv.Customer(At("10:00:00"));
        var queries = await l.ProjectAsync();

        var atTwoMinutes = await queries.Service.GetReplyRateAsync("S1", null, Today, At("10:02:00"));
        var atExactly180 = await queries.Service.GetReplyRateAsync("S1", null, Today, At("10:03:00"));
        var at181 = await queries.Service.GetReplyRateAsync("S1", null, Today, At("10:03:01"));

        Assert.Equal((1L, 0L, (double?)null), (atTwoMinutes.Pending, atTwoMinutes.Counted, atTwoMinutes.Rate));
        Assert.Equal((1L, 0L, (double?)null), (atExactly180.Pending, atExactly180.Counted, atExactly180.Rate));
        Assert.Equal((0L, 1L, 0.0), (at181.Pending, at181.OverdueUnanswered, at181.Rate));
    }

    [Fact]
    public async Task An_overdue_inquiry_answered_later_is_late_not_also_overdue()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var cv = l.Conversation("CV1");
        await cv.OpenedWith("agent-1", At("10:00:00"));
        await cv.Customer(At("10:00:00"));
        await cv.Agent("agent-1", At("10:10:00"));
        var queries = await l.ProjectAsync();

        var before = await queries.Service.GetReplyRateAsync("S1", null, Today, At("10:05:00"));
        var after = await queries.Service.GetReplyRateAsync("S1", null, Today, At("10:10:00"));

        Assert.Equal((1L, 0L), (before.OverdueUnanswered, before.Late));
        Assert.Equal((0L, 1L, 600.0), (after.OverdueUnanswered, after.Late, after.FirstResponseMeanSeconds!.Value));
    }

    [Fact]
    public async Task Bot_replies_neither_answer_an_inquiry_nor_start_one()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var cv = l.Conversation("CV1");
        await cv.OpenedWith("agent-1", At("10:00:00"));
        await cv.Customer(At("10:00:00"));
        await cv.Bot(At("10:00:30"));
        await cv.Bot(At("10:01:00"));
        await cv.Agent("agent-1", At("10:03:30"));

        var rate = await (await l.ProjectAsync()).Service.GetReplyRateAsync("S1", null, Today, EndOfDay);

        Assert.Equal((0L, 1L, 210.0), (rate.InTime, rate.Late, rate.FirstResponseMeanSeconds!.Value));
    }

    [Fact]
    public async Task Several_customer_messages_before_one_reply_are_one_inquiry_timed_from_the_first()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var cv = l.Conversation("CV1");
        await cv.OpenedWith("agent-1", At("10:00:00"));
        await cv.Customer(At("10:00:00"));
        await cv.Customer(At("10:01:00"));
        await cv.Customer(At("10:02:30"));
        await cv.Agent("agent-1", At("10:03:10"));

        var rate = await (await l.ProjectAsync()).Service.GetReplyRateAsync("S1", null, Today, EndOfDay);

        Assert.Equal((0L, 1L, 190.0), (rate.InTime, rate.Late, rate.FirstResponseMeanSeconds!.Value));
    }

    [Fact]
    public async Task Only_the_first_agent_reply_closes_an_inquiry_later_replies_start_nothing()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var cv = l.Conversation("CV1");
        await cv.OpenedWith("agent-1", At("10:00:00"));
        await cv.Customer(At("10:00:00"));
        await cv.Agent("agent-1", At("10:01:00"));
        await cv.Agent("agent-1", At("10:05:00"));
        await cv.Agent("agent-1", At("10:09:00"));

        var rate = await (await l.ProjectAsync()).Service.GetReplyRateAsync("S1", null, Today, EndOfDay);

        Assert.Equal((1L, 1L, 60.0), (rate.InTime, rate.Counted, rate.FirstResponseMeanSeconds!.Value));
    }

    [Fact]
    public async Task A_hand_off_starts_an_inquiry_at_the_hand_off_time_customer_messages_in_bot_mode_do_not()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var cv = l.Conversation("CV1");
        await cv.Started(At("10:00:00"), ConversationMode.Bot);
        await cv.Customer(At("10:00:00"));
        await cv.Bot(At("10:00:10"));
        await cv.Customer(At("10:00:50"));
        await cv.HandOff(At("10:01:00"));
        await cv.Customer(At("10:01:20"));
        await cv.Assign("agent-1", At("10:02:00"));
        await cv.Agent("agent-1", At("10:03:59"));

        var rate = await (await l.ProjectAsync()).Service.GetReplyRateAsync("S1", null, Today, EndOfDay);

        Assert.Equal((1L, 1L, 179.0), (rate.InTime, rate.Counted, rate.FirstResponseMeanSeconds!.Value));
    }

    [Fact]
    public async Task A_hand_off_while_an_inquiry_is_open_does_not_start_another()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var cv = l.Conversation("CV1");
        await cv.Started(At("10:00:00"), ConversationMode.Human);
        await cv.Customer(At("10:00:00"));
        await cv.HandOff(At("10:02:00"));
        await cv.Assign("agent-1", At("10:02:30"));
        await cv.Agent("agent-1", At("10:04:00"));

        var rate = await (await l.ProjectAsync()).Service.GetReplyRateAsync("S1", null, Today, EndOfDay);

        Assert.Equal((0L, 1L, 240.0), (rate.InTime, rate.Late, rate.FirstResponseMeanSeconds!.Value));
    }

    [Fact]
    public async Task Inquiries_starting_outside_the_default_service_hours_0800_to_2300_are_not_counted()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        foreach (var (id, start, reply) in new[]
        {
            ("early", "07:59:59", "08:10:00"), ("opening", "08:00:00", "08:01:00"), ("last", "22:59:59", "23:05:00"), ("closing", "23:00:00", "23:01:00"),
        })
        {
            var cv = l.Conversation(id);
            await cv.OpenedWith("agent-1", At(start));
            await cv.Customer(At(start));
            await cv.Agent("agent-1", At(reply));
        }

        var rate = await (await l.ProjectAsync()).Service.GetReplyRateAsync("S1", null, Today, EndOfDay);

        Assert.Equal(2, rate.OutsideServiceHours); // 07:59:59 and 23:00:00
        Assert.Equal((1L, 1L, 0.5), (rate.InTime, rate.Late, rate.Rate)); // 08:00 in time, 22:59:59 late
    }

    [Fact]
    public async Task Service_hours_come_from_the_store_policy_events()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        await l.StoreAsync("S1", "UTC", new TimeOnly(9, 0), new TimeOnly(18, 0));
        foreach (var (id, start) in new[] { ("at-0830", "08:30:00"), ("at-1000", "10:00:00"), ("at-1900", "19:00:00") })
        {
            var cv = l.Conversation(id);
            await cv.OpenedWith("agent-1", At(start));
            await cv.Customer(At(start));
        }

        var rate = await (await l.ProjectAsync()).Service.GetReplyRateAsync("S1", null, Today, EndOfDay);

        Assert.Equal((2L, 1L), (rate.OutsideServiceHours, rate.OverdueUnanswered));
    }

    [Fact]
    public async Task A_change_of_service_hours_applies_to_inquiries_starting_after_it()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var before = l.Conversation("CV-before");
        await before.OpenedWith("agent-1", At("07:30:00"));
        await before.Customer(At("07:30:00")); // default hours 08:00–23:00: outside
        await l.StoreAsync("S1", "UTC");
        await l.ServiceHoursAsync("S1", new TimeOnly(7, 0), new TimeOnly(22, 0), "UTC", At("12:00:00"));
        var after = l.Conversation("CV-after");
        await after.OpenedWith("agent-1", At("22:30:00"));
        await after.Customer(At("22:30:00")); // new hours 07:00–22:00: outside
        var inside = l.Conversation("CV-inside");
        await inside.OpenedWith("agent-1", At("21:00:00"));
        await inside.Customer(At("21:00:00"));
        await inside.Agent("agent-1", At("21:01:00"));

        var rate = await (await l.ProjectAsync()).Service.GetReplyRateAsync("S1", null, Today, EndOfDay);

        Assert.Equal((2L, 1L, 1.0), (rate.OutsideServiceHours, rate.InTime, rate.Rate!.Value));
    }

    [Fact]
    public async Task A_withdrawn_inquiry_is_not_counted_within_180_seconds_and_is_a_miss_after()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        foreach (var (id, start, resolved) in new[] { ("quick", "10:00:00", "10:02:00"), ("exactly", "11:00:00", "11:03:00"), ("slow", "12:00:00", "12:04:00") })
        {
            var cv = l.Conversation(id);
            await cv.OpenedWith("agent-1", At(start));
            await cv.Customer(At(start));
            await cv.Resolve(At(resolved), by: "customer");
        }

        var rate = await (await l.ProjectAsync()).Service.GetReplyRateAsync("S1", null, Today, EndOfDay);

        Assert.Equal((2L, 1L, 0.0), (rate.Withdrawn, rate.OverdueUnanswered, rate.Rate));
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    public async Task An_agent_closing_an_unanswered_inquiry_is_not_a_withdrawal_but_a_miss_once_180_seconds_passed(int batchSize)
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var cv = l.Conversation("CV-closed-by-agent");
        await cv.OpenedWith("agent-1", At("10:00:00"));
        await cv.Customer(At("10:00:00"));
        await cv.Resolve(At("10:01:00"), by: "agent-1");
        await cv.Reopen(At("15:00:00"));
        await cv.Agent("agent-1", At("15:01:00"));
        var queries = await l.ProjectAsync(batchSize);

        var beforeDeadline = await queries.Service.GetReplyRateAsync("S1", null, Today, At("10:02:00"));
        var endOfDay = await queries.Service.GetReplyRateAsync("S1", null, Today, EndOfDay);

        Assert.Equal((0L, 1L), (beforeDeadline.Withdrawn, beforeDeadline.Pending));
        Assert.Equal((0L, 1L, 1L, 0.5), (endOfDay.Withdrawn, endOfDay.OverdueUnanswered, endOfDay.InTime, endOfDay.Rate));
    }

    [Fact]
    public async Task Service_hours_opening_and_closing_at_the_same_time_count_every_inquiry()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        await l.StoreAsync("S1", "UTC", TimeOnly.MinValue, TimeOnly.MinValue);
        await UnansweredInquiriesAsync(l, "00:00:00", "03:00:00", "23:59:59");

        var rate = await (await l.ProjectAsync()).Service.GetReplyRateAsync("S1", null, Today, After(1, "01:00"));

        Assert.Equal((0L, 3L), (rate.OutsideServiceHours, rate.OverdueUnanswered));
    }

    [Fact]
    public async Task Service_hours_closing_at_midnight_run_to_the_end_of_the_day()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        await l.StoreAsync("S1", "UTC", new TimeOnly(8, 0), TimeOnly.MinValue); // "24:00" in the API
        await UnansweredInquiriesAsync(l, "07:59:59", "08:00:00", "23:59:59");

        var rate = await (await l.ProjectAsync()).Service.GetReplyRateAsync("S1", null, Today, After(1, "01:00"));

        Assert.Equal((1L, 2L), (rate.OutsideServiceHours, rate.OverdueUnanswered));
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    public async Task Service_hours_changes_appended_out_of_business_time_order_apply_by_business_time(int batchSize)
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        await l.StoreAsync("S1", "UTC");
        await l.ServiceHoursAsync("S1", new TimeOnly(9, 0), new TimeOnly(18, 0), "UTC", At("12:00:00")); // dated later, appended first
        await l.ServiceHoursAsync("S1", new TimeOnly(7, 0), new TimeOnly(22, 0), "UTC", At("06:00:00"));
        foreach (var (id, start) in new[] { ("at-0500", "05:00:00"), ("at-0730", "07:30:00"), ("at-2000", "20:00:00") })
        {
            var cv = l.Conversation(id);
            await cv.OpenedWith("agent-1", At(start));
            await cv.Customer(At(start));
            await cv.Agent("agent-1", At(start).AddMinutes(1));
        }

        var rate = await (await l.ProjectAsync(batchSize)).Service.GetReplyRateAsync("S1", null, Today, EndOfDay);

        // 05:00 under the default 08:00–23:00 (before both), 07:30 under 07:00–22:00 (the earlier change), 20:00 under
        // 09:00–18:00 (the later one): two outside, one counted.
        Assert.Equal((2L, 1L), (rate.OutsideServiceHours, rate.InTime));
    }

    [Fact]
    public async Task An_inquiry_spanning_midnight_counts_on_the_local_day_it_started()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        await l.StoreAsync("S1", "UTC", new TimeOnly(8, 0), new TimeOnly(2, 0)); // open past midnight, until 02:00
        var late = l.Conversation("CV-night");
        await late.OpenedWith("agent-1", At("23:50:00"));
        await late.Customer(At("23:59:00"));
        await late.Agent("agent-1", After(1, "00:01:30"));
        var small = l.Conversation("CV-small-hours");
        await small.OpenedWith("agent-1", After(1, "01:00:00"));
        await small.Customer(After(1, "01:00:00"));
        await small.Agent("agent-1", After(1, "01:05:00"));
        var closed = l.Conversation("CV-closed");
        await closed.OpenedWith("agent-1", After(1, "03:00:00"));
        await closed.Customer(After(1, "03:00:00"));
        var queries = await l.ProjectAsync();

        var days = await queries.Service.GetDailyReplyRateAsync("S1", null, Monday, Monday.AddDays(1), After(2, "00:00"));

        Assert.Equal((1L, 0L, 150.0), (days[0].Figures.InTime, days[0].Figures.Late, days[0].Figures.FirstResponseMeanSeconds!.Value));
        Assert.Equal((0L, 1L, 1L), (days[1].Figures.InTime, days[1].Figures.Late, days[1].Figures.OutsideServiceHours));
    }

    [Fact]
    public async Task A_reopened_conversation_starts_a_new_inquiry_with_the_customer_message_that_reopened_it()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var cv = l.Conversation("CV1");
        await cv.OpenedWith("agent-1", At("10:00:00"));
        await cv.Customer(At("10:00:00"));
        await cv.Agent("agent-1", At("10:01:00"));
        await cv.Resolve(At("10:02:00"));
        await cv.Reopen(At("15:00:00"));
        await cv.Agent("agent-1", At("15:04:00"));

        var rate = await (await l.ProjectAsync()).Service.GetReplyRateAsync("S1", null, Today, EndOfDay);

        Assert.Equal((1L, 1L), (rate.InTime, rate.Late));
        Assert.Equal(150, rate.FirstResponseMeanSeconds); // (60 + 240) / 2
    }

    [Fact]
    public async Task Local_days_and_service_hours_are_in_the_store_time_zone()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        await l.StoreAsync("SH", "Asia/Shanghai");          // UTC+8
        await l.StoreAsync("LA", "America/Los_Angeles");    // UTC−8 in March before DST
        // 01:00Z = 09:00 in Shanghai on Monday: counted. 23:30Z = 07:30 Tuesday in Shanghai: before opening.
        var morning = l.Conversation("SH-morning", storeId: "SH");
        await morning.OpenedWith("agent-1", At("01:00:00"));
        await morning.Customer(At("01:00:00"));
        await morning.Agent("agent-1", At("01:01:00"));
        var early = l.Conversation("SH-early", storeId: "SH");
        await early.OpenedWith("agent-1", At("23:30:00"));
        await early.Customer(At("23:30:00"));
        // Tuesday 05:00Z = Monday 21:00 in Los Angeles: counted on Monday.
        var evening = l.Conversation("LA-evening", storeId: "LA");
        await evening.OpenedWith("agent-2", After(1, "05:00:00"));
        await evening.Customer(After(1, "05:00:00"));
        await evening.Agent("agent-2", After(1, "05:05:00"));
        var queries = await l.ProjectAsync();
        var now = After(2, "12:00");

        var shanghaiMonday = await queries.Service.GetReplyRateAsync("SH", null, Today, now);
        var shanghaiTuesday = await queries.Service.GetReplyRateAsync("SH", null, MetricWindow.Day(Monday.AddDays(1)), now);
        var laMonday = await queries.Service.GetReplyRateAsync("LA", null, Today, now);
        var laTuesday = await queries.Service.GetReplyRateAsync("LA", null, MetricWindow.Day(Monday.AddDays(1)), now);

        Assert.Equal((1L, 0L), (shanghaiMonday.InTime, shanghaiMonday.OutsideServiceHours));
        Assert.Equal((0L, 1L), (shanghaiTuesday.Counted, shanghaiTuesday.OutsideServiceHours));
        Assert.Equal((1L, 1L), (laMonday.Late, laMonday.Counted));
        Assert.Equal(0, laTuesday.Counted);
    }

    [Fact]
    public async Task Per_agent_the_replying_agent_counts_answered_inquiries_and_the_assigned_agent_unanswered_ones()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var a = l.Conversation("CV-a");
        await a.OpenedWith("agent-1", At("10:00:00"));
        await a.Customer(At("10:00:00"));
        await a.Assign("agent-2", At("10:01:00")); // re-assigned before the reply
        await a.Agent("agent-2", At("10:02:00"));
        var b = l.Conversation("CV-b");
        await b.OpenedWith("agent-1", At("11:00:00"));
        await b.Customer(At("11:00:00"));
        await b.Agent("agent-1", At("11:05:00"));
        var c = l.Conversation("CV-c");
        await c.OpenedWith("agent-1", At("12:00:00"));
        await c.Customer(At("12:00:00"));
        await c.Assign("agent-3", At("12:01:00"));
        var unassigned = l.Conversation("CV-d");
        await unassigned.Started(At("13:00:00"));
        await unassigned.Customer(At("13:00:00"));
        var queries = await l.ProjectAsync();

        var byAgent = await queries.Service.GetReplyRateByAgentAsync("S1", Today, EndOfDay);
        var agent2 = await queries.Service.GetReplyRateAsync("S1", "agent-2", Today, EndOfDay);

        Assert.Equal(["agent-1", "agent-2", "agent-3", null], byAgent.Select(x => x.AgentId));
        Assert.Equal((0L, 1L, 0L), (byAgent[0].Figures.InTime, byAgent[0].Figures.Late, byAgent[0].Figures.OverdueUnanswered));
        Assert.Equal((1L, 1.0), (byAgent[1].Figures.InTime, byAgent[1].Figures.Rate!.Value));
        Assert.Equal(1, byAgent[2].Figures.OverdueUnanswered);
        Assert.Equal(1, byAgent[3].Figures.OverdueUnanswered);
        Assert.Equal(byAgent[1].Figures, agent2);
    }

    [Fact]
    public async Task First_response_mean_p50_and_p90_are_over_answered_inquiries_only()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var waits = new[] { 60, 120, 200, 400 };
        for (var i = 0; i < waits.Length; i++)
        {
            var cv = l.Conversation($"CV{i}");
            var start = At("10:00:00").AddHours(i);
            await cv.OpenedWith("agent-1", start);
            await cv.Customer(start);
            await cv.Agent("agent-1", start.AddSeconds(waits[i]));
        }

        var unanswered = l.Conversation("CV-unanswered");
        await unanswered.OpenedWith("agent-1", At("16:00:00"));
        await unanswered.Customer(At("16:00:00"));

        var rate = await (await l.ProjectAsync()).Service.GetReplyRateAsync("S1", null, Today, EndOfDay);

        Assert.Equal((2L, 2L, 1L), (rate.InTime, rate.Late, rate.OverdueUnanswered));
        Assert.Equal(0.4, rate.Rate);
        Assert.Equal(195, rate.FirstResponseMeanSeconds);
        Assert.Equal(160, rate.FirstResponseP50Seconds);
        Assert.Equal(340, rate.FirstResponseP90Seconds!.Value, 6); // 200 + 0.7 × (400 − 200)
    }

    [Fact]
    public async Task The_rolling_30_days_are_the_30_times_24_hours_up_to_now_and_the_daily_series_has_every_day()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        foreach (var (id, days) in new[] { ("old", -30), ("recent", -29), ("today", 0) })
        {
            var cv = l.Conversation(id);
            await cv.OpenedWith("agent-1", After(days, "09:59:59"));
            await cv.Customer(After(days, "10:00:00"));
            await cv.Agent("agent-1", After(days, "10:01:00"));
        }

        var queries = await l.ProjectAsync();

        var rolling = await queries.Service.GetReplyRateAsync("S1", null, MetricWindow.Rolling30Days, At("10:05:00"));
        var daily = await queries.Service.GetDailyReplyRateAsync("S1", null, Monday.AddDays(-30), Monday, At("12:00:00"));

        Assert.Equal(2, rolling.InTime); // 29 days ago and today; 30 days ago is exactly outside
        Assert.Equal(31, daily.Count);
        Assert.Equal([1L, 1L, 1L], daily.Where(d => d.Figures.InTime > 0).Select(d => d.Figures.InTime));
        Assert.Equal([Monday.AddDays(-30), Monday.AddDays(-29), Monday], daily.Where(d => d.Figures.InTime > 0).Select(d => d.Day));
    }

    [Fact]
    public async Task The_mean_and_percentiles_are_exact_across_wait_buckets_whole_past_days_the_window_s_edge_day_and_today()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        // Waits either side of the histogram's 10 s and 600 s bucket bounds, on days read from the histogram (-5, -3),
        // the edge day the rolling window starts in (-30, after its 12:00 start) and today, read row by row.
        foreach (var (id, days, reply) in new[]
                 {
                     ("edge", -30, "13:00:03.25"), ("w9.5", -5, "13:00:09.5"), ("w10", -5, "14:00:10"), ("w10.5", -3, "13:00:10.5"),
                     ("w600.25", -3, "13:10:00.25"), ("w45.5", 0, "09:00:45.5"), ("before-window", -30, "11:00:01"),
                 })
        {
            var cv = l.Conversation(id);
            var start = reply[..3] + "00:00";
            await cv.OpenedWith("agent-1", After(days, start));
            await cv.Customer(After(days, start));
            await cv.Agent("agent-1", After(days, reply));
        }

        var answeredAfterNow = l.Conversation("after-now");
        await answeredAfterNow.OpenedWith("agent-1", At("11:59:00"));
        await answeredAfterNow.Customer(At("11:59:00"));
        await answeredAfterNow.Agent("agent-1", At("12:01:00"));
        var queries = await l.ProjectAsync();

        var rolling = await queries.Service.GetReplyRateAsync("S1", null, MetricWindow.Rolling30Days, At("12:00:00"));
        var sixDays = await queries.Service.GetReplyRateAsync("S1", null, MetricWindow.Days(Monday.AddDays(-5), Monday), At("12:00:00"));

        // 3.25, 9.5, 10, 10.5, 45.5, 600.25: p50 at rank 2.5, p90 at rank 4.5 (percentile_cont)
        Assert.Equal((5L, 1L, 1L), (rolling.InTime, rolling.Late, rolling.Pending));
        Assert.Equal(679.0 / 6, rolling.FirstResponseMeanSeconds!.Value, 9);
        Assert.Equal(10.25, rolling.FirstResponseP50Seconds);
        Assert.Equal(322.875, rolling.FirstResponseP90Seconds);
        // 9.5, 10, 10.5, 45.5, 600.25: p50 at rank 2, p90 at rank 3.6
        Assert.Equal((4L, 1L, 1L), (sixDays.InTime, sixDays.Late, sixDays.Pending));
        Assert.Equal(10.5, sixDays.FirstResponseP50Seconds);
        Assert.Equal(45.5 + 0.6 * (600.25 - 45.5), sixDays.FirstResponseP90Seconds!.Value, 9);
    }

    /// <summary>One conversation per start time, each a customer message nobody answers.</summary>
    private static async Task UnansweredInquiriesAsync(MetricsLedger l, params string[] starts)
    {
        foreach (var start in starts)
        {
            var cv = l.Conversation("at-" + start.Replace(":", "", StringComparison.Ordinal));
            await cv.OpenedWith("agent-1", At(start));
            await cv.Customer(At(start));
        }
    }
}
