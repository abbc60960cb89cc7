using System.Text.Json.Serialization;

namespace OrderLedger.Domain;

/// <summary>A postal address. <see cref="Region"/> is what warehouse allocation maps to (a province, state or zone code).</summary>
public sealed record PostalAddress(
    string Name,
    string Line1,
    string City,
    string PostalCode,
    string Region,
    string Country,
    string? Line2 = null,
    string? Phone = null)
{
    [JsonIgnore]
    public bool IsComplete =>
        !string.IsNullOrWhiteSpace(Name) && !string.IsNullOrWhiteSpace(Line1) && !string.IsNullOrWhiteSpace(City)
        && !string.IsNullOrWhiteSpace(Region) && !string.IsNullOrWhiteSpace(Country);
}
