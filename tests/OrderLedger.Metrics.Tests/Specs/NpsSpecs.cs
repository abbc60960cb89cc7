using OrderLedger.Domain.Conversations;
using OrderLedger.Metrics.Tests.Support;
using OrderLedger.Testing;
using Xunit;
using static OrderLedger.Metrics.Tests.Support.Day;

namespace OrderLedger.Metrics.Tests.Specs;

/// <summary>§5 NPS and survey response rate; §5 good-review rate.</summary>
public sealed class NpsSpecs(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly MetricWindow Today = MetricWindow.Day(Monday);
    private static readonly DateTimeOffset EndOfDay = At("23:59:59");

    private static async Task SurveyedAsync(MetricsLedger l, string id, string agentId, int? score, string storeId = "S1")
    {
        var cv = l.Conversation(id, storeId);
        await cv.OpenedWith(agentId, After(-8, "10:00"));
        await cv.Resolve(After(-7, "10:00"));
        await cv.SurveySent(At("10:00:00"));
        if (score is { } s)
        {
            await cv.Nps(s, At("12:00:00"));
        }
    }

    [Fact]
    public async Task NPS_is_percent_promoters_minus_percent_detractors_over_the_answers()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var scores = new[] { 10, 9, 8, 7, 6, 0, 10, 9 };
        for (var i = 0; i < scores.Length; i++)
        {
            await SurveyedAsync(l, $"CV{i}", "agent-1", scores[i]);
        }

        var nps = await (await l.ProjectAsync()).Service.GetNpsAsync("S1", null, Today, EndOfDay);

        Assert.Equal((4L, 2L, 2L, 8L), (nps.Promoters, nps.Passives, nps.Detractors, nps.Answers));
        Assert.Equal(25, nps.Score); // 50 % − 25 %
    }

    [Fact]
    public async Task Daily_NPS_gives_each_store_local_day_the_figures_of_that_day_alone()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        await SurveyedAsync(l, "DN1", "agent-1", 10);
        await SurveyedAsync(l, "DN2", "agent-1", 2);
        var answeredNextDay = l.Conversation("DN3");
        await answeredNextDay.OpenedWith("agent-1", After(-8, "10:00"));
        await answeredNextDay.Resolve(After(-7, "10:00"));
        await answeredNextDay.SurveySent(At("10:00:00"));
        await answeredNextDay.Nps(9, After(1, "09:00"));
        var queries = await l.ProjectAsync();
        var now = After(2, "00:00");

        var days = await queries.Service.GetDailyNpsAsync("S1", null, Monday.AddDays(-1), Monday.AddDays(1), now);

        Assert.Equal([Monday.AddDays(-1), Monday, Monday.AddDays(1)], days.Select(d => d.Day));
        Assert.Equal((1L, 1L, 0.0, 3L), (days[1].Figures.Promoters, days[1].Figures.Detractors, days[1].Figures.Score!.Value, days[1].Figures.SurveysSent));
        Assert.Equal((1L, 100.0, 0L), (days[2].Figures.Promoters, days[2].Figures.Score!.Value, days[2].Figures.SurveysSent));
        Assert.Null(days[0].Figures.Score);
        foreach (var day in days)
        {
            Assert.Equal(await queries.Service.GetNpsAsync("S1", null, MetricWindow.Day(day.Day), now), day.Figures);
        }
    }

    [Fact]
    public async Task With_no_answers_NPS_has_no_score_and_the_response_rate_is_zero()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        await SurveyedAsync(l, "CV1", "agent-1", null);
        await SurveyedAsync(l, "CV2", "agent-1", null);
        var queries = await l.ProjectAsync();

        var nps = await queries.Service.GetNpsAsync("S1", null, Today, EndOfDay);
        var yesterday = await queries.Service.GetNpsAsync("S1", null, MetricWindow.Day(Monday.AddDays(-1)), EndOfDay);

        Assert.Equal((0L, (double?)null, 2L, 0.0), (nps.Answers, nps.Score, nps.SurveysSent, nps.ResponseRate!.Value));
        Assert.Equal((0L, (double?)null, 0L, (double?)null), (yesterday.Answers, yesterday.Score, yesterday.SurveysSent, yesterday.ResponseRate));
    }

    [Fact]
    public async Task The_survey_response_rate_is_answered_over_sent_and_an_answer_counts_once_given()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        await SurveyedAsync(l, "CV1", "agent-1", 9);
        await SurveyedAsync(l, "CV2", "agent-1", 3);
        await SurveyedAsync(l, "CV3", "agent-1", null);
        await SurveyedAsync(l, "CV4", "agent-1", null);
        var queries = await l.ProjectAsync();

        var beforeAnswers = await queries.Service.GetNpsAsync("S1", null, Today, At("11:00:00"));
        var afterAnswers = await queries.Service.GetNpsAsync("S1", null, Today, EndOfDay);

        Assert.Equal((4L, 0L, 0.0), (beforeAnswers.SurveysSent, beforeAnswers.SurveysAnswered, beforeAnswers.ResponseRate!.Value));
        Assert.Equal((2L, 0.5, 0.0), (afterAnswers.SurveysAnswered, afterAnswers.ResponseRate!.Value, afterAnswers.Score!.Value));
    }

    [Fact]
    public async Task NPS_per_agent_and_per_store_uses_the_agent_of_the_conversation_and_the_store_local_day()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        await SurveyedAsync(l, "CV1", "agent-1", 10);
        await SurveyedAsync(l, "CV2", "agent-2", 2);
        await SurveyedAsync(l, "CV3", "agent-2", 10, storeId: "S2");
        var queries = await l.ProjectAsync();

        var agent1 = await queries.Service.GetNpsAsync("S1", "agent-1", Today, EndOfDay);
        var agent2 = await queries.Service.GetNpsAsync("S1", "agent-2", Today, EndOfDay);
        var store1 = await queries.Service.GetNpsAsync("S1", null, Today, EndOfDay);
        var everyStore = await queries.Service.GetNpsAsync(null, null, Today, EndOfDay);

        Assert.Equal(100, agent1.Score);
        Assert.Equal(-100, agent2.Score);
        Assert.Equal(0, store1.Score);
        Assert.Equal((3L, 100.0 / 3), (everyStore.Answers, everyStore.Score!.Value));
    }

    [Fact]
    public async Task The_good_review_rate_is_satisfied_ratings_over_all_ratings()
    {
        await using var l = await MetricsLedger.OpenAsync(db);
        var ratings = new[] { SatisfactionRating.Satisfied, SatisfactionRating.Neutral, SatisfactionRating.Dissatisfied, SatisfactionRating.Satisfied };
        for (var i = 0; i < ratings.Length; i++)
        {
            var cv = l.Conversation($"CV{i}");
            await cv.OpenedWith(i == 0 ? "agent-2" : "agent-1", At("10:00:00"));
            await cv.Resolve(At("10:10:00"));
            await cv.Rate(ratings[i], At("10:11:00"));
        }

        // Rated again after a reopen: every rating counts.
        var again = l.Conversation("CV0");
        await again.Reopen(At("11:00:00"));
        await again.Resolve(At("11:10:00"));
        await again.Rate(SatisfactionRating.Dissatisfied, At("11:11:00"));
        var queries = await l.ProjectAsync();

        var store = await queries.Service.GetGoodReviewRateAsync("S1", null, Today, EndOfDay);
        var agent2 = await queries.Service.GetGoodReviewRateAsync("S1", "agent-2", Today, EndOfDay);
        var none = await queries.Service.GetGoodReviewRateAsync("S1", null, MetricWindow.Day(Monday.AddDays(1)), After(2, "00:00"));

        Assert.Equal((2L, 5L, 0.4), (store.Satisfied, store.Ratings, store.Rate!.Value));
        Assert.Equal((1L, 2L, 0.5), (agent2.Satisfied, agent2.Ratings, agent2.Rate!.Value));
        Assert.Equal((0L, (double?)null), (none.Ratings, none.Rate));
    }
}
