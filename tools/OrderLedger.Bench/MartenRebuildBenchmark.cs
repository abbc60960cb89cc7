using System.Diagnostics;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Aggregation;
using OrderLedger.Domain;
using OrderLedger.Domain.Shipments;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Bench;

/// <summary>
/// The same single-stream projection rebuilt from the same log by Marten 9.58 and by OrderLedger: one row (Marten: one
/// document) per parcel, folded from its stream's events. Marten's log gets OrderLedger's events as they are in
/// <c>$all</c> (every type, in that order, under the same stream ids), so both rebuilds read a log of the same size and
/// mix. Marten's document keeps the fields its events set, with its identity as the only index; OrderLedger's
/// <c>shipments</c> row has 25 columns and four reader indexes, created once the rebuild has caught up.
/// </summary>
public sealed class MartenRebuildBenchmark(string connectionString) : IAsyncDisposable
{
    private readonly DocumentStore _store = MartenStores.For(
        connectionString, "marten_rebuild", options => options.Projections.Add(new ParcelViewProjection(), ProjectionLifecycle.Async));

    public long EventsCopied { get; private set; }

    /// <summary>Appends every event of OrderLedger's <c>$all</c> to Marten, whole streams per session of about 100 events.</summary>
    public async Task CopyLogAsync(OrderLedger.EventStore.IEventStore source, EventCodec codec)
    {
        await _store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var session = _store.LightweightSession();
        var pending = 0;
        string? stream = null;
        var events = new List<object>();
        try
        {
            await foreach (var record in source.ReadAllAsync(null, null, long.MaxValue))
            {
                if (record.StreamId != stream && stream is not null)
                {
                    session.Events.Append(stream, events.ToArray());
                    pending += events.Count;
                    events.Clear();
                    if (pending >= LedgerDataset.EventsPerBatch)
                    {
                        await session.SaveChangesAsync();
                        await session.DisposeAsync();
                        session = _store.LightweightSession();
                        EventsCopied += pending;
                        pending = 0;
                    }
                }

                stream = record.StreamId;
                events.Add(codec.Decode(record).Event);
            }

            if (stream is not null)
            {
                session.Events.Append(stream, events.ToArray());
                pending += events.Count;
            }

            await session.SaveChangesAsync();
            EventsCopied += pending;
        }
        finally
        {
            await session.DisposeAsync();
        }
    }

    /// <summary>One rebuild through Marten's async daemon; returns its seconds and the documents it holds after.</summary>
    public async Task<(double Seconds, long Documents)> RebuildAsync()
    {
        using var daemon = await _store.BuildProjectionDaemonAsync();
        var stopwatch = Stopwatch.StartNew();
        await daemon.RebuildProjectionAsync<ParcelViewProjection>(TimeSpan.FromMinutes(30), CancellationToken.None);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        await using var session = _store.QuerySession();
        var documents = await session.Query<ParcelView>().CountAsync();
        return (seconds, documents);
    }

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    /// <summary>What Marten's projection keeps of a parcel: the fields its events set.</summary>
    public sealed class ParcelView
    {
        public string Id { get; set; } = "";
        public string OrderId { get; set; } = "";
        public string StoreId { get; set; } = "";
        public string WarehouseId { get; set; } = "";
        public string Status { get; set; } = "";
        public int ItemCount { get; set; }
        public string? Carrier { get; set; }
        public string? TrackingNumber { get; set; }
        public string? LastScanLocation { get; set; }
        public string? LastScanStatus { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? HandedOverAt { get; set; }
        public DateTimeOffset? LastMovementAt { get; set; }
        public DateTimeOffset? DeliveredAt { get; set; }
        public DateTimeOffset UpdatedAt { get; set; }
    }

    /// <summary>Folds a parcel's events, as OrderLedger's <c>shipments</c> projection does for the same ones.</summary>
    public sealed class ParcelViewProjection : SingleStreamProjection<ParcelView, string>
    {
        public ParcelViewProjection()
        {
            IncludeType<ShipmentCreated>();
            IncludeType<ShipmentHandedToCarrier>();
            IncludeType<ShipmentTrackingScanned>();
            IncludeType<ShipmentDelivered>();
        }

        public override ParcelView? Evolve(ParcelView? snapshot, string id, IEvent e)
        {
            switch (e.Data)
            {
                case ShipmentCreated c:
                    return new ParcelView
                    {
                        Id = id, OrderId = c.OrderId, StoreId = c.StoreId, WarehouseId = c.WarehouseId, Status = "created",
                        ItemCount = c.Lines.Sum(l => l.Quantity), CreatedAt = c.OccurredAt, UpdatedAt = c.OccurredAt,
                    };
                case ShipmentHandedToCarrier h when snapshot is not null:
                    snapshot.Status = "handed_to_carrier";
                    snapshot.Carrier = h.Carrier;
                    snapshot.TrackingNumber = h.TrackingNumber;
                    snapshot.HandedOverAt = snapshot.LastMovementAt = snapshot.UpdatedAt = h.OccurredAt;
                    return snapshot;
                case ShipmentTrackingScanned s when snapshot is not null:
                    snapshot.LastScanLocation = s.Location;
                    snapshot.LastScanStatus = s.Status;
                    snapshot.LastMovementAt = snapshot.UpdatedAt = s.OccurredAt;
                    return snapshot;
                case ShipmentDelivered d when snapshot is not null:
                    snapshot.Status = "delivered";
                    snapshot.DeliveredAt = snapshot.UpdatedAt = d.OccurredAt;
                    return snapshot;
                default:
                    return snapshot;
            }
        }
    }
}
