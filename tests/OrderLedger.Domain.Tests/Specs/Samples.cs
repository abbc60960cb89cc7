using OrderLedger.Domain.Orders;

namespace OrderLedger.Domain.Tests.Specs;

/// <summary>Shared sample data: a store in Shanghai selling two products.</summary>
public static class Samples
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 11, 10, 0, 0, TimeSpan.FromHours(8));

    public static DateTimeOffset At(int minutes) => T0.AddMinutes(minutes);

    public static readonly PostalAddress Shanghai = new("Li Wei", "88 Century Ave", "Shanghai", "200120", "SH", "CN");

    public static readonly PostalAddress ReturnsCenter = new("Returns", "1 Depot Rd", "Suzhou", "215000", "JS", "CN");

    public static readonly PostalAddress ShoeReturns = new("Shoe returns", "9 Shoe St", "Hangzhou", "310000", "ZJ", "CN");

    public static readonly OrderLine Tea = new("TEA-01", 2, 50m, "grocery", "6901234567892");

    public static readonly OrderLine Mug = new("MUG-01", 1, 30m, "kitchen", "6901234567908");
}
