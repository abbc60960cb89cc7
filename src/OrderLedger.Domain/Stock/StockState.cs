using System.Collections.Immutable;

namespace OrderLedger.Domain.Stock;

/// <summary>Invariants: 0 ≤ Reserved ≤ OnHand; Reserved = Σ open reservations; Available = OnHand − Reserved.</summary>
public sealed record StockState(int OnHand, int Reserved, ImmutableDictionary<string, Reservation> Reservations)
{
    public static StockState Initial { get; } = new(0, 0, ImmutableDictionary<string, Reservation>.Empty.WithComparers(StringComparer.Ordinal));

    public int Available => OnHand - Reserved;

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
