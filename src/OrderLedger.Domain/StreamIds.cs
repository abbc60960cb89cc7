namespace OrderLedger.Domain;

/// <summary>Stream ids: one stream per aggregate, the category before the first dash (brief §2).</summary>
public static class StreamIds
{
    public static string Store(string storeId) => $"store-{Checked(storeId)}";

    public static string Order(string orderId) => $"order-{Checked(orderId)}";

    public static string Warehouse(string warehouseId) => $"warehouse-{Checked(warehouseId)}";

    public static string Stock(string warehouseId, string sku) => $"stock-{Checked(warehouseId)}.{Checked(sku)}";

    public static string Shipment(string shipmentId) => $"shipment-{Checked(shipmentId)}";

    public static string Refund(string refundId) => $"refund-{Checked(refundId)}";

    public static string Conversation(string conversationId) => $"conversation-{Checked(conversationId)}";

    /// <summary>A work order a conversation handed to a department.</summary>
    public static string Ticket(string ticketId) => $"ticket-{Checked(ticketId)}";

    /// <summary>A store's alerts (raised and recovered by the alerts reactor).</summary>
    public static string Alerts(string storeId) => $"alerts-{Checked(storeId)}";

    /// <summary>A store's roster of agents: shifts, capacities, ranks, buyer bindings.</summary>
    public static string Roster(string storeId) => $"roster-{Checked(storeId)}";

    private static string Checked(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return id;
    }
}
