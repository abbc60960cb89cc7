using OrderLedger.Domain.Conversations;
using OrderLedger.Metrics.Tests.Support;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.Metrics.Tests.Support.Day;

namespace OrderLedger.Metrics.Tests.Specs;

/// <summary>
/// The figures of a conversation's classification (docs/metrics.md, "Classification"): complaint rate, bot resolution
/// rate, first-contact resolution per category; the conversations driven through the command handlers.
/// </summary>
public sealed class ClassificationSpecs(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task The_complaint_rate_counts_the_conversations_started_on_the_store_local_day_as_they_are_classified_now()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        await l.StoreAsync("S1", "Asia/Shanghai");
        var late = l.Conversation("CV1");
        await late.Started(At("01:00"));
        await late.Classify(ConversationCategory.Logistics, true, "ann", At("01:10"));
        var withdrawnComplaint = l.Conversation("CV2");
        await withdrawnComplaint.Started(At("02:00"));
        await withdrawnComplaint.Classify(ConversationCategory.Quality, true, "ann", At("02:10"));
        await withdrawnComplaint.Classify(ConversationCategory.Quality, false, "sue", After(1, "09:00")); // reclassified on Tuesday: not a complaint now
        var question = l.Conversation("CV3");
        await question.Started(At("03:00"));
        await question.Classify(ConversationCategory.ProductQuestion, false, "ann", At("03:05"));
        var unclassified = l.Conversation("CV4");
        await unclassified.Started(At("04:00"));
        var tuesdayInShanghai = l.Conversation("CV5");
        await tuesdayInShanghai.Started(At("16:30")); // 00:30 Tuesday local
        await tuesdayInShanghai.Classify(ConversationCategory.Refund, true, "ann", At("16:40"));
        var service = (await l.ProjectAsync()).Service;

        var monday = await service.GetClassificationAsync("S1", MetricWindow.Day(Monday), After(2, "00:00"));
        var mondayAsOfMondayNight = await service.GetClassificationAsync("S1", MetricWindow.Day(Monday), At("15:00"));
        var rolling = await service.GetClassificationAsync("S1", MetricWindow.Rolling30Days, After(2, "00:00"));

        Assert.Equal(new ComplaintRate(1, 4, 0.25), monday.ComplaintRate);
        Assert.Equal(new ComplaintRate(1, 4, 0.25), mondayAsOfMondayNight.ComplaintRate); // "as classified now", whatever the now
        Assert.Equal(new ComplaintRate(2, 5, 0.4), rolling.ComplaintRate);
        Assert.Equal(new ComplaintRate(0, 0, null), (await service.GetClassificationAsync("S2", MetricWindow.Rolling30Days, After(2, "00:00"))).ComplaintRate);
    }

    [Fact]
    public async Task The_bot_resolution_rate_is_the_bot_started_conversations_first_resolved_without_a_hand_off_before()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var byBot = l.Conversation("CV1");
        await byBot.Started(At("10:00"), ConversationMode.Bot);
        await byBot.Bot(At("10:00:10"));
        await byBot.Resolve(At("10:01"), by: ConversationDecider.ResolvedByBot);
        var closedByCustomer = l.Conversation("CV2");
        await closedByCustomer.Started(At("10:00"), ConversationMode.Bot);
        await closedByCustomer.Resolve(At("10:02"), by: ConversationDecider.ResolvedByCustomer);
        var handedOff = l.Conversation("CV3");
        await handedOff.Started(At("10:00"), ConversationMode.Bot);
        await handedOff.HandOff(At("10:02"));
        await handedOff.Resolve(At("10:05"), by: "ann");
        var handedOffAfterItsFirstResolution = l.Conversation("CV4");
        await handedOffAfterItsFirstResolution.Started(At("11:00"), ConversationMode.Bot);
        await handedOffAfterItsFirstResolution.Resolve(At("11:01"), by: ConversationDecider.ResolvedByBot);
        await handedOffAfterItsFirstResolution.Reopen(At("12:00"));
        await handedOffAfterItsFirstResolution.HandOff(At("12:01"));
        var unresolved = l.Conversation("CV5");
        await unresolved.Started(At("10:00"), ConversationMode.Bot);
        var human = l.Conversation("CV6");
        await human.OpenedWith("ann", At("10:00"));
        await human.Resolve(At("10:03"), by: "ann");
        var tuesday = l.Conversation("CV7");
        await tuesday.Started(At("23:50"), ConversationMode.Bot);
        await tuesday.Resolve(After(1, "00:10"), by: ConversationDecider.ResolvedByBot);
        var service = (await l.ProjectAsync()).Service;

        var monday = await service.GetClassificationAsync("S1", MetricWindow.Day(Monday), After(2, "00:00"));

        Assert.Equal(new BotResolutionRate(3, 4, 0.75), monday.BotResolutionRate);
        Assert.Equal(new BotResolutionRate(2, 2, 1.0), (await service.GetClassificationAsync("S1", MetricWindow.Day(Monday), At("10:03"))).BotResolutionRate); // CV3 resolved after
        Assert.Equal(new BotResolutionRate(1, 1, 1.0), (await service.GetClassificationAsync("S1", MetricWindow.Day(Monday.AddDays(1)), After(2, "00:00"))).BotResolutionRate);
    }

    [Fact]
    public async Task First_contact_resolution_per_category_splits_the_stores_figure_and_lists_the_unclassified_apart()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var parcel = l.Conversation("CV1", customerId: "C1");
        await parcel.OpenedWith("ann", At("10:00"), orderId: "O1");
        await parcel.Classify(ConversationCategory.Logistics, true, "ann", At("10:01"));
        await parcel.Resolve(At("11:00"), by: "ann");
        var repeat = l.Conversation("CV1b", customerId: "C1");
        await repeat.Started(After(2, "10:00"), orderId: "O1"); // breaks CV1's first contact
        var otherParcel = l.Conversation("CV2", customerId: "C2");
        await otherParcel.OpenedWith("ann", At("10:00"), orderId: "O2");
        await otherParcel.Classify(ConversationCategory.Logistics, false, "ann", At("10:01"));
        await otherParcel.Resolve(At("11:00"), by: "ann");
        var payment = l.Conversation("CV3", customerId: "C3");
        await payment.OpenedWith("ann", At("10:00"));
        await payment.Resolve(At("11:00"), by: "ann");
        await payment.Classify(ConversationCategory.Payment, false, "ann", At("11:30")); // classified after the resolution
        var never = l.Conversation("CV4", customerId: "C4");
        await never.OpenedWith("ann", At("10:00"));
        await never.Resolve(At("11:00"), by: "ann");
        var queries = await l.ProjectAsync();
        var now = After(10, "00:00");

        var figures = await queries.Service.GetClassificationAsync("S1", MetricWindow.Day(Monday), now);
        var store = await queries.Service.GetFirstContactResolutionAsync("S1", null, MetricWindow.Day(Monday), now);

        var byCategory = figures.FirstContactResolutionByCategory.ToDictionary(c => c.Category, c => c.Figures);
        Assert.Equal(["logistics", "quality", "refund", "product_question", "payment", "other", "unclassified"], figures.FirstContactResolutionByCategory.Select(c => c.Category));
        Assert.Equal((2L, 2L, 1L, 0.5), (byCategory["logistics"].Resolved, byCategory["logistics"].Final, byCategory["logistics"].FinalFirstContact, byCategory["logistics"].Rate!.Value));
        Assert.Equal((1L, 1.0), (byCategory["payment"].Resolved, byCategory["payment"].Rate!.Value));
        Assert.Equal((1L, 1.0), (byCategory["unclassified"].Resolved, byCategory["unclassified"].Rate!.Value));
        Assert.Equal((0L, (double?)null), (byCategory["quality"].Resolved, byCategory["quality"].Rate));
        Assert.Equal(store.Resolved, figures.FirstContactResolutionByCategory.Sum(c => c.Figures.Resolved));
        Assert.Equal(store.FinalFirstContact, figures.FirstContactResolutionByCategory.Sum(c => c.Figures.FinalFirstContact));
        Assert.Equal(figures, (await queries.GetFiguresAsync("S1", MetricWindow.Day(Monday), now)).Classification, new ClassificationComparer());
    }

    private sealed class ClassificationComparer : IEqualityComparer<ClassificationFigures?>
    {
        public bool Equals(ClassificationFigures? x, ClassificationFigures? y) =>
            x is not null && y is not null && x.ComplaintRate == y.ComplaintRate && x.BotResolutionRate == y.BotResolutionRate
            && x.FirstContactResolutionByCategory.SequenceEqual(y.FirstContactResolutionByCategory);

        public int GetHashCode(ClassificationFigures? obj) => 0;
    }
}
