using OrderLedger.Projections;

namespace OrderLedger.ReadModels;

/// <summary>The core read models of brief §4, for registration with the projection runtime. Table names are unique across them.</summary>
public static class CoreReadModels
{
    public static IReadOnlyList<IProjection> All(int lowStockThreshold = StockLevelsProjection.DefaultLowStockThreshold) =>
    [
        new OrdersProjection(),
        new CustomerTimelineProjection(),
        new StockLevelsProjection(lowStockThreshold),
        new ShipmentsProjection(),
        new RefundsProjection(),
        new ConversationsProjection(),
    ];
}
