using OrderLedger.Projections;

namespace OrderLedger.Metrics;

/// <summary>
/// The metric read models of brief §5, for registration with the projection runtime (or
/// <c>AddFromAssembly(typeof(ServiceMetricsProjection).Assembly)</c>); <see cref="ServiceMetricsQueries"/> reads them.
/// The order-flow "state now" figures also read the core <c>shipments</c> and <c>stock_levels</c> read models;
/// <see cref="SharerSalesQueries"/> reads the sales per sharer.
/// </summary>
public static class MetricReadModels
{
    public static IReadOnlyList<IProjection> All() => [new ServiceMetricsProjection(), new CommerceMetricsProjection(), new SharerSalesProjection()];
}
