using System.Security.Claims;
using OrderLedger.Application.CommandHandling;
using OrderLedger.Domain;
using OrderLedger.Domain.Stores;
using OrderLedger.Metrics;
using OrderLedger.ReadModels;
using OrderLedger.Reactors.Alerts;

namespace OrderLedger.Api.Queries;

/// <summary>A store's figures against their targets, for the cockpit (docs/web.md).</summary>
/// <param name="Window"><c>rolling 30 days</c>, a day <c>yyyy-MM-dd</c> or <c>from..to</c>.</param>
public sealed record ScorecardAnswer(string StoreId, DateTimeOffset Now, string Window, IReadOnlyList<ScoredFigure> Figures);

/// <summary>A store's alerts; <see cref="Webhook"/> says only whether and how they are delivered, never where (the URL is a secret).</summary>
public sealed record AlertsAnswer(IReadOnlyList<AlertSummary> Open, IReadOnlyList<AlertSummary> Recent, string? Webhook);

/// <summary>The cockpit's figures against their targets, and the alerts (docs/web.md, docs/reactors.md "Alerts").</summary>
public static class CockpitQueryEndpoints
{
    public static void MapCockpitQueries(this IEndpointRouteBuilder api)
    {
        api.MapGet("/stores/{storeId}/scorecard", GetScorecardAsync)
            .WithSummary("Every cockpit figure of one store against its target, with its state (ok, at risk, breached) and sample size.")
            .WithTags("Metrics").Produces<ScorecardAnswer>().ProducesValidationProblem().ProducesProblem(404);
        api.MapGet("/stores/{storeId}/alerts", async (string storeId, ClaimsPrincipal user, AlertQueries alerts, AlertOptions options, CancellationToken ct, int limit = 50) =>
            {
                if (user.Visible(storeId) is not { } stores)
                {
                    return StoreScope.StoreNotFound(storeId);
                }

                if (ApiProblems.CheckPageSize(limit) is { } badLimit)
                {
                    return badLimit;
                }

                var list = await alerts.ListAsync(stores, limit, ct);
                var webhook = options.WebhookOf(storeId)?.Format.ToString().ToLowerInvariant();
                return Results.Ok(new AlertsAnswer(list.Open, list.Recent, webhook));
            })
            .WithSummary("The store's open alerts (oldest first) and the latest ones, open or recovered.")
            .WithTags("Alerts").Produces<AlertsAnswer>().ProducesValidationProblem().ProducesProblem(404);
    }

    private static async Task<IResult> GetScorecardAsync(
        string storeId, ClaimsPrincipal user, MetricQueries metrics, ConversationQueries conversations, CommandHandler handler, AlertOptions options,
        TimeProvider clock, CancellationToken ct, DateOnly? from = null, DateOnly? to = null, DateTimeOffset? now = null)
    {
        if (user.Visible(storeId) is null)
        {
            return StoreScope.StoreNotFound(storeId);
        }

        if (MetricQueryEndpoints.CheckWindow(from, to, now) is { } badWindow)
        {
            return badWindow;
        }

        var window = MetricQueryEndpoints.WindowOf(from, to);
        var at = now ?? clock.GetUtcNow();
        var store = (await handler.LoadAsync(StoreDecider.Decider, StreamIds.Store(storeId), cancellationToken: ct)).State;
        var sla = store.Sla;
        var figures = await metrics.GetFiguresAsync(storeId, window, at, ct);
        var queue = await AlertEvaluator.QueueAsync(conversations, storeId, at, store, ct);
        return Results.Ok(new ScorecardAnswer(storeId, at, window.ToString(), Scorecard.Of(figures, queue, sla, options.TargetsOf(storeId))));
    }
}
