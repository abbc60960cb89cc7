using OrderLedger.Application.CommandHandling;
using OrderLedger.Application.Orders;
using OrderLedger.Domain;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Stock;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Application.Stock;

/// <summary>What one recovery pass found and did.</summary>
public sealed record RecoveryReport(int StockStreamsScanned, int OpenReservationsSeen, IReadOnlyList<ReleasedReservation> Released);

public sealed record ReleasedReservation(string StreamId, string OrderId, int Quantity, ReleaseReason Reason);

/// <summary>
/// The recovery path for reservations whose order never got placed (brief §2: "every reservation ends committed
/// or released, even if a process dies half-way"). For each open reservation older than the reservation timeout:
/// <list type="bullet">
/// <item>order stream empty → record the order as rejected (<see cref="RejectionReason.PlacementAbandoned"/>), with
/// expected revision "no stream", so a placement still in flight cannot be recorded afterwards; then release;</item>
/// <item>order rejected or cancelled → release (its own compensation died half-way);</item>
/// <item>order placed and its parcel from this warehouse intercepted → release (the interception's release died half-way);</item>
/// <item>order placed and this warehouse/SKU in its allocation → keep (it ends committed at hand-over or released on cancel or interception);</item>
/// <item>order placed without this reservation in its allocation → release.</item>
/// </list>
/// The time comes from the <see cref="TimeProvider"/> (the edge); every step is an idempotent sub-command.
/// </summary>
public sealed class ReservationRecovery(CommandHandler handler, OrderPlacement placement, TimeProvider timeProvider)
{
    public static readonly Actor Actor = Actor.System("reservation-recovery");

    public async Task<RecoveryReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        var cutoff = now - handler.Options.ReservationTimeout;
        var streams = await StockStreamsWithReservationsAsync(cancellationToken);
        var released = new List<ReleasedReservation>();
        var open = 0;
        foreach (var stream in streams)
        {
            var stock = await handler.LoadAsync(StockDecider.Decider, stream, cancellationToken: cancellationToken);
            var (warehouseId, sku) = StockStream.Parse(stream);
            foreach (var (orderId, reservation) in stock.State.OpenReservations.ToList())
            {
                open++;
                if (reservation.ReservedAt > cutoff)
                {
                    continue;
                }

                var reason = await DecideAsync(orderId, warehouseId, sku, now, cancellationToken);
                if (reason is null)
                {
                    continue;
                }

                var context = new CommandContext($"recovery/{stream}/{orderId}", Actor, now);
                var changes = await placement.ReleaseAsync(orderId, [stream], reason.Value, now, context, cancellationToken);
                if (changes.Any(c => c.Events.Count > 0))
                {
                    released.Add(new ReleasedReservation(stream, orderId, reservation.Quantity, reason.Value));
                }
            }
        }

        return new RecoveryReport(streams.Count, open, released);
    }

    /// <summary>Why the reservation must go, or null when the order still needs it.</summary>
    private async Task<ReleaseReason?> DecideAsync(string orderId, string warehouseId, string sku, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var orderStream = StreamIds.Order(orderId);
        var order = await handler.LoadAsync(OrderDecider.Decider, orderStream, cancellationToken: cancellationToken);
        if (order.State.Status == OrderStatus.None)
        {
            var abandon = await handler.HandleAsync(
                OrderDecider.Decider,
                orderStream,
                new RejectOrder(orderId, "", "", RejectionReason.PlacementAbandoned, [], now),
                new CommandContext($"recovery/abandon/{orderId}", Actor, now),
                cancellationToken);
            if (!abandon.IsSuccess)
            {
                // The placement finished after all (order.already-placed): look again.
                order = await handler.LoadAsync(OrderDecider.Decider, orderStream, cancellationToken: cancellationToken);
            }
            else
            {
                return ReleaseReason.Orphaned;
            }
        }

        return order.State.Status switch
        {
            OrderStatus.Rejected => order.State.RejectedFor == RejectionReason.OutOfStock ? ReleaseReason.OrderRejected : ReleaseReason.Orphaned,
            OrderStatus.Cancelled => ReleaseReason.OrderCancelled,
            _ when order.State.WarehouseIntercepted(warehouseId) => ReleaseReason.ShipmentIntercepted,
            _ when order.State.Allocation.Any(a => a.WarehouseId == warehouseId && a.Sku == sku) => null,
            _ => ReleaseReason.Orphaned,
        };
    }

    private async Task<IReadOnlyList<string>> StockStreamsWithReservationsAsync(CancellationToken cancellationToken)
    {
        // A full pass over reservation events; the reactor that schedules this keeps no checkpoint because a
        // reservation stays interesting until it closes. (Fine at this scale; a stock_levels read model can replace it.)
        var streams = new SortedSet<string>(StringComparer.Ordinal);
        Position? after = null;
        const int page = 10_000;
        while (true)
        {
            var count = 0;
            await foreach (var record in handler.Store.ReadAllAsync(after, EventFilter.EventTypePrefix("stock-reserved"), page, cancellationToken))
            {
                streams.Add(record.StreamId);
                after = record.Position;
                count++;
            }

            if (count < page)
            {
                return [.. streams];
            }
        }
    }
}
