using OrderLedger.Domain;
using OrderLedger.Domain.Orders;

namespace OrderLedger.ReadModels.Tests.Support;

/// <summary>Shared sample data: a store in Shanghai selling tea and mugs.</summary>
public static class Samples
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 11, 10, 0, 0, TimeSpan.FromHours(8));

    public static DateTimeOffset At(double minutes) => T0.AddMinutes(minutes);

    public static readonly PostalAddress Shanghai = new("Li Wei", "88 Century Ave", "Shanghai", "200120", "SH", "CN");

    public static readonly PostalAddress ReturnsCenter = new("Returns", "1 Depot Rd", "Suzhou", "215000", "JS", "CN");

    public static readonly OrderLine Tea = new("TEA-01", 2, 50m, "grocery", "6901234567892");

    public static readonly OrderLine Mug = new("MUG-01", 1, 30m, "kitchen", "6901234567908");

    public static string NewId(string prefix) => $"{prefix}{Guid.NewGuid().ToString("N")[..8]}";

    public static OrderPlaced Placed(string orderId, string customerId, DateTimeOffset at, string storeId = "S1") =>
        new(orderId, storeId, customerId, "web", "CNY", [Tea, Mug], 130m, Shanghai, at.AddMinutes(30), at);
}
