using System.Collections.Immutable;

namespace OrderLedger.Domain.Stock;

/// <summary>Invariants: 0 ≤ Reserved ≤ OnHand; Reserved = Σ open reservations; Available = OnHand − Reserved.</summary>
public sealed record StockState(int OnHand, int Reserved, ImmutableDictionary<string, Reservation> Reservations)
{
    public static StockState Initial { get; } = new(0, 0, ImmutableDictionary<string, Reservation>.Empty.WithComparers(StringComparer.Ordinal));

    public int Available => OnHand - Reserved;

    /// <summary>Units put back on hand after they came back (refused deliveries, inspected returns), in all.</summary>
    public int Restocked { get; init; }

    /// <summary>The shipments and refunds whose units were restocked here: each source restocks once.</summary>
    public ImmutableHashSet<string> RestockedFrom { get; init; } = ImmutableHashSet<string>.Empty.WithComparer(StringComparer.Ordinal);

    public IEnumerable<KeyValuePair<string, Reservation>> OpenReservations =>
        Reservations.Where(r => r.Value.Status == ReservationStatus.Open);
}

public sealed record Reservation(int Quantity, ReservationStatus Status, DateTimeOffset ReservedAt);

public enum ReservationStatus
{
    Open,
    Released,
    Committed,
}
