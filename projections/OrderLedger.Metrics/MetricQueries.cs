using Npgsql;
using OrderLedger.Projections.Runtime;
using OrderLedger.ReadModels;
using OrderLedger.ReadModels.Infrastructure;

namespace OrderLedger.Metrics;

/// <summary>
/// Every §5 figure, each asked of the projection that owns its rows: the service figures of
/// <see cref="ServiceMetricsQueries"/>, the commerce counts of <see cref="CommerceMetricsQueries"/>, and the order flow's
/// state now (logistics exceptions, stuck parcels, low stock) of the core read models' own queries rather than duplicated.
/// Reads no table itself. See <c>docs/metrics.md</c>.
/// </summary>
/// <param name="stuckAfter">A parcel in transit without carrier movement for this long is stuck (default 48 hours).</param>
public sealed class MetricQueries(
    ServiceMetricsQueries service,
    CommerceMetricsQueries commerce,
    ShipmentQueries shipments,
    StockLevelQueries stock,
    TimeSpan? stuckAfter = null,
    WorkOrderMetricsQueries? workOrders = null)
{
    /// <summary>All of them over one database and view schema.</summary>
    public MetricQueries(NpgsqlDataSource dataSource, string viewSchema = ProjectionOptions.DefaultViewSchema, TimeSpan? stuckAfter = null)
        : this(
            new ServiceMetricsQueries(dataSource, viewSchema),
            new CommerceMetricsQueries(dataSource, viewSchema),
            new ShipmentQueries(dataSource, viewSchema),
            new StockLevelQueries(dataSource, viewSchema),
            stuckAfter,
            new WorkOrderMetricsQueries(dataSource, viewSchema))
    {
    }

    public ServiceMetricsQueries Service { get; } = service;

    public CommerceMetricsQueries Commerce { get; } = commerce;

    public TimeSpan StuckAfter { get; } = stuckAfter ?? TimeSpan.FromHours(48);

    /// <summary>The work-order figures of one store alone (they are part of <see cref="GetFiguresAsync"/> and the dashboard).</summary>
    public async Task<WorkOrderFigures?> GetWorkOrdersAsync(string storeId, MetricWindow window, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        workOrders is null ? null
        : await workOrders.GetAsync(storeId, await Service.GetTimeZoneAsync(storeId, now, cancellationToken) ?? StoreCalendar.DefaultTimeZone, window, now, cancellationToken);

    public async Task<OrderFlow> GetOrderFlowAsync(string? storeId, MetricWindow window, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        OrderFlowOf(await Commerce.CountsAsync(storeId, window, now, cancellationToken), await CurrentLogisticsAsync(storeId, now, cancellationToken));

    private static OrderFlow OrderFlowOf(IReadOnlyDictionary<string, long> counts, Logistics current) => new(
        counts.GetValueOrDefault(CommerceMetricsProjection.Facts.Placed),
        counts.GetValueOrDefault(CommerceMetricsProjection.Facts.Paid),
        counts.GetValueOrDefault(CommerceMetricsProjection.Facts.Shipped),
        counts.GetValueOrDefault(CommerceMetricsProjection.Facts.Delivered),
        counts.GetValueOrDefault(CommerceMetricsProjection.Facts.Cancelled),
        current.Exceptions,
        current.Stuck,
        current.LowStock);

    private sealed record Logistics(long? Exceptions, long? Stuck, long? LowStock);

    /// <summary>State now, from the core read models; null for a figure whose read model is not built in this database.</summary>
    private async Task<Logistics> CurrentLogisticsAsync(string? storeId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var parcels = await shipments.CountExceptionsAndStuckAsync(storeId, now, StuckAfter, cancellationToken);
        return new Logistics(parcels?.OpenExceptions, parcels?.Stuck, await stock.CountLowStockSkusAsync(storeId, cancellationToken));
    }

    /// <summary>
    /// Every figure of one store for its local today and the rolling 30 days, evaluated at <paramref name="now"/>. The
    /// state-now figures of the order flow do not depend on the window and are read once for both. Two round trips: the
    /// store's time zone (which decides "today") with which core read models are built, then every statement of both
    /// windows in one batch.
    /// </summary>
    public async Task<Dashboard> GetDashboardAsync(string storeId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var first = new QueryBatch();
        var timeZoneOf = Service.AddTimeZone(first, storeId, now);
        var existing = first.AddExisting([shipments.View, .. stock.CountViews, .. workOrders is null ? Array.Empty<string>() : [workOrders.View]]);
        await first.ExecuteAsync(Service.DataSource, cancellationToken);
        var timeZone = timeZoneOf() ?? StoreCalendar.DefaultTimeZone;
        var built = existing();
        var today = new StoreCalendar(storeId, timeZone, StoreCalendar.DefaultOpens, StoreCalendar.DefaultCloses).LocalDay(now);

        // Two batches on two connections at once, of about equal work for a busy store: both windows' inquiry, survey,
        // rating, refund and work-order figures (the 30 days' reply rate sorts every answered wait) in one; both windows'
        // counts and classification and the state now in the other. PostgreSQL runs one statement on one core, and a
        // dashboard is asked for by one person.
        var (inquiries, rest) = (new QueryBatch(), new QueryBatch());
        var parcels = built.Contains(shipments.View) ? shipments.AddCountExceptionsAndStuck(rest, storeId, now, StuckAfter) : null;
        var lowStock = stock.CountViews.All(built.Contains) ? stock.AddCountLowStockSkus(rest, storeId) : null;
        var withWorkOrders = workOrders is not null && built.Contains(workOrders.View);
        var todayFigures = AddFigures(inquiries, rest, storeId, MetricWindow.Day(today), now, timeZone, withWorkOrders);
        var rolling = AddFigures(inquiries, rest, storeId, MetricWindow.Rolling30Days, now, timeZone, withWorkOrders);
        await Task.WhenAll(inquiries.ExecuteAsync(Service.DataSource, cancellationToken), rest.ExecuteAsync(Service.DataSource, cancellationToken));

        var current = new Logistics(parcels?.Invoke().OpenExceptions, parcels?.Invoke().Stuck, lowStock?.Invoke());
        return new Dashboard(storeId, now, today, timeZone, todayFigures(current), rolling(current));
    }

    /// <summary>
    /// The statements of one window's figures: those over inquiries, ratings, surveys, refunds and work orders in
    /// <paramref name="inquiries"/>, the hourly counts and classification in <paramref name="counts"/> (they may be the
    /// same batch); the figures once both have run, with the state now.
    /// </summary>
    private Func<Logistics, MetricFigures> AddFigures(
        QueryBatch inquiries, QueryBatch counts, string storeId, MetricWindow window, DateTimeOffset now, string timeZone, bool withWorkOrders)
    {
        var commerceCounts = Commerce.AddCounts(counts, storeId, window, now);
        var workOrderFigures = withWorkOrders ? workOrders!.Add(inquiries, storeId, timeZone, window, now) : null;
        var replyRate = Service.AddStoreReplyRate(inquiries, storeId, window, now);
        var nps = Service.AddNps(inquiries, storeId, null, window, now);
        var refunds = Commerce.AddRefundTimes(inquiries, storeId, window, now);
        var reviews = Service.AddGoodReviewRate(inquiries, storeId, null, window, now);
        var classification = Service.AddClassification(counts, storeId, window, now);
        return current =>
        {
            // Every first resolution is in exactly one category (or unclassified), so the store's first-contact
            // resolution is the sum of the per-category counts: one scan of the last 7 days' resolutions instead of two.
            var byCategory = classification();
            return new MetricFigures(
                replyRate(), nps(), ServiceMetricsQueries.SumOf(byCategory.FirstContactResolutionByCategory.Select(c => c.Figures)), refunds(),
                CommerceMetricsQueries.DisputeRateOf(commerceCounts()), reviews(), OrderFlowOf(commerceCounts(), current))
            {
                WorkOrders = workOrderFigures?.Invoke(),
                Classification = byCategory,
            };
        };
    }

    /// <summary>Every figure of one store (or all: null) for one window.</summary>
    public async Task<MetricFigures> GetFiguresAsync(string? storeId, MetricWindow window, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await FiguresAsync(storeId, window, now, await CurrentLogisticsAsync(storeId, now, cancellationToken), cancellationToken);

    private async Task<MetricFigures> FiguresAsync(
        string? storeId, MetricWindow window, DateTimeOffset now, Logistics current, CancellationToken cancellationToken, string? timeZone = null)
    {
        var counts = await Commerce.CountsAsync(storeId, window, now, cancellationToken);
        var workOrderFigures = storeId is null || workOrders is null ? null
            : await workOrders.GetAsync(
                storeId, timeZone ?? await Service.GetTimeZoneAsync(storeId, now, cancellationToken) ?? StoreCalendar.DefaultTimeZone, window, now, cancellationToken);
        return new(
            await Service.GetReplyRateAsync(storeId, null, window, now, cancellationToken),
            await Service.GetNpsAsync(storeId, null, window, now, cancellationToken),
            await Service.GetFirstContactResolutionAsync(storeId, null, window, now, cancellationToken),
            await Commerce.GetRefundTimesAsync(storeId, window, now, cancellationToken),
            CommerceMetricsQueries.DisputeRateOf(counts),
            await Service.GetGoodReviewRateAsync(storeId, null, window, now, cancellationToken),
            OrderFlowOf(counts, current))
        {
            WorkOrders = workOrderFigures,
            Classification = await Service.GetClassificationAsync(storeId, window, now, cancellationToken),
        };
    }
}
