using System.Threading.Channels;
using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Stores;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Postgres;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Bench;

/// <summary>
/// A deterministic month of operations written straight to the store in per-stream batches (hash-chained, as the
/// command handlers would write them): stores, stock receipts, orders with allocation and payment, stock
/// reservations, shipments with scans and delivery, and a conversation for every third order. About 12 events
/// per order.
/// </summary>
public sealed class LedgerDataset(int customers, int targetEvents, int seed = 42)
{
    private const int Stores = 3;
    private const int Skus = 200;
    private static readonly string[] Warehouses = ["wh-north", "wh-south", "wh-east"];
    private static readonly DateTimeOffset MonthStart = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly EventCodec _codec = new(DomainEventTypes.CreateRegistry());

    public long EventsWritten => Interlocked.Read(ref _written);

    public IReadOnlyList<string> CustomerIds { get; } = Enumerable.Range(0, customers).Select(i => $"c{i:D6}").ToList();

    /// <summary>The customers with the longest timelines (see <see cref="Generate"/>).</summary>
    public IReadOnlyList<string> RegularCustomerIds => CustomerIds.Take(100).ToList();

    public static IReadOnlyList<string> StoreIds { get; } = Enumerable.Range(1, Stores).Select(i => $"s{i}").ToList();

    private long _written;

    /// <summary>About how many events each writer puts into one <see cref="IEventStore.AppendBatchAsync"/>: whole streams, as many as fit.</summary>
    public const int EventsPerBatch = 100;

    /// <summary>Each writer takes whole streams off the queue and appends them in batches of about <see cref="EventsPerBatch"/> events.</summary>
    public async Task WriteAsync(IEventStore store, int writers = 16, CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateBounded<(string Stream, List<(object Event, DateTimeOffset At)> Events)>(writers * 8);
        var writerTasks = Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            await foreach (var (stream, events) in channel.Reader.ReadAllAsync(cancellationToken))
            {
                var batch = new List<StreamAppend> { new(stream, ExpectedRevision.NoStream, Encode(stream, events)) };
                var count = events.Count;
                while (count < EventsPerBatch && channel.Reader.TryRead(out var next))
                {
                    batch.Add(new StreamAppend(next.Stream, ExpectedRevision.NoStream, Encode(next.Stream, next.Events)));
                    count += next.Events.Count;
                }

                await store.AppendBatchAsync(batch, cancellationToken);
                Interlocked.Add(ref _written, count);
            }
        }, cancellationToken)).ToArray();

        foreach (var item in Generate())
        {
            await channel.Writer.WriteAsync(item, cancellationToken);
        }

        channel.Writer.Complete();
        await Task.WhenAll(writerTasks);
    }

    /// <summary>Every event gets its own business time in its metadata, chained to its predecessor in the stream.</summary>
    private List<EventData> Encode(string stream, List<(object Event, DateTimeOffset At)> events)
    {
        var encoded = new List<EventData>(events.Count);
        var tip = new ChainTip(stream, null, null);
        for (var i = 0; i < events.Count; i++)
        {
            var storeId = StoreOf(events[i].Event);
            var data = _codec.Encode([events[i].Event], new CommandContext($"bench/{stream}/{i}", Actor.System("bench"), events[i].At, storeId), tip)[0];
            tip = new ChainTip(stream, tip.NextRevision, EventCodec.DecodeMetadata(data.Metadata)?.Hash);
            encoded.Add(data);
        }

        return encoded;
    }

    private static string? StoreOf(object e) => e switch
    {
        OrderPlaced o => o.StoreId,
        ShipmentCreated s => s.StoreId,
        ConversationStarted c => c.StoreId,
        StoreRegistered s => s.StoreId,
        _ => null,
    };

    private IEnumerable<(string, List<(object, DateTimeOffset)>)> Generate()
    {
        var random = new Random(seed);
        foreach (var storeId in StoreIds)
        {
            yield return (StreamIds.Store(storeId), [(new StoreRegistered(storeId, $"Shop {storeId}", "Europe/Berlin", "EUR", MonthStart), MonthStart)]);
        }

        // Each stock stream is written in one append at the end: its receipt, then its reservations in order.
        var stockStreams = new Dictionary<string, List<(object, DateTimeOffset)>>(StringComparer.Ordinal);
        foreach (var warehouse in Warehouses)
        {
            for (var sku = 0; sku < Skus; sku++)
            {
                stockStreams[StreamIds.Stock(warehouse, Sku(sku))] = [(new StockReceived(warehouse, Sku(sku), 1_000_000, MonthStart), MonthStart)];
            }
        }

        var events = StoreIds.Count + Warehouses.Length * Skus;
        for (var n = 0; events < targetEvents; n++)
        {
            var orderId = $"o{n:D7}";
            var storeId = StoreIds[n % Stores];
            // A fifth of the orders come from a hundred regulars, whose timelines run to many pages.
            var customerId = random.Next(5) == 0 ? CustomerIds[random.Next(Math.Min(100, CustomerIds.Count))] : CustomerIds[random.Next(CustomerIds.Count)];
            var placedAt = MonthStart.AddSeconds(random.Next(30 * 24 * 3600));
            var warehouse = Warehouses[random.Next(Warehouses.Length)];
            var lines = Enumerable.Range(0, 1 + random.Next(3))
                .Select(i => new OrderLine(Sku(random.Next(Skus)), 1 + random.Next(3), 5 + random.Next(95), "general"))
                .DistinctBy(l => l.Sku)
                .ToList();
            var total = lines.Sum(l => l.Amount);
            var address = new PostalAddress($"Customer {customerId}", "Main street 1", "Berlin", "10115", "BE", "DE");

            yield return (StreamIds.Order(orderId),
            [
                (new OrderPlaced(orderId, storeId, customerId, "web", "EUR", lines, total, address, placedAt.AddMinutes(30), placedAt), placedAt),
                (new OrderAllocated(orderId, lines.Select(l => new LineAllocation(l.Sku, warehouse, l.Quantity)).ToList(), placedAt), placedAt),
                (new OrderPaymentConfirmed(orderId, total, "EUR", $"pay-{n}", placedAt.AddMinutes(2)), placedAt.AddMinutes(2)),
            ]);
            events += 3;

            foreach (var line in lines)
            {
                stockStreams[StreamIds.Stock(warehouse, line.Sku)].Add((new StockReserved(warehouse, line.Sku, orderId, line.Quantity, placedAt), placedAt));
                events++;
            }

            var shipmentId = $"sh{n:D7}";
            var handedOver = placedAt.AddHours(4 + random.Next(20));
            yield return (StreamIds.Shipment(shipmentId),
            [
                (new ShipmentCreated(shipmentId, orderId, storeId, warehouse, lines.Select(l => new ShipmentLine(l.Sku, l.Quantity, l.ScanCode)).ToList(), address, placedAt.AddHours(1)), placedAt.AddHours(1)),
                (new ShipmentHandedToCarrier(shipmentId, orderId, "DHL", $"TRK{n:D9}", handedOver), handedOver),
                (new ShipmentTrackingScanned(shipmentId, "Hub Leipzig", "in transit", handedOver.AddHours(8)), handedOver.AddHours(8)),
                (new ShipmentTrackingScanned(shipmentId, "Depot Berlin", "out for delivery", handedOver.AddHours(30)), handedOver.AddHours(30)),
                (new ShipmentDelivered(shipmentId, orderId, handedOver.AddHours(34)), handedOver.AddHours(34)),
            ]);
            events += 5;

            if (n % 3 == 0)
            {
                var conversationId = $"cv{n:D7}";
                var asked = placedAt.AddHours(random.Next(1, 48));
                var replied = asked.AddSeconds(20 + random.Next(400));
                yield return (StreamIds.Conversation(conversationId),
                [
                    (new ConversationStarted(conversationId, storeId, customerId, "chat", orderId, ConversationMode.Human, asked), asked),
                    (new CustomerMessageReceived(conversationId, "m1", "Where is my parcel?", asked), asked),
                    (new AgentAssigned(conversationId, $"agent-{random.Next(20)}", null, asked.AddSeconds(10)), asked.AddSeconds(10)),
                    (new AgentReplied(conversationId, $"agent-{random.Next(20)}", "m2", "It is on its way.", replied), replied),
                    (new ConversationResolved(conversationId, "agent", replied.AddMinutes(5)), replied.AddMinutes(5)),
                ]);
                events += 5;
            }
        }

        foreach (var (stream, list) in stockStreams)
        {
            yield return (stream, list);
        }
    }

    /// <summary>
    /// Writes the dataset, unless the database already holds a log (a database kept with <c>--dataset</c>); returns how
    /// many events the log holds.
    /// </summary>
    public async Task<long> WriteUnlessPresentAsync(string connectionString, Action<string> log)
    {
        await using var store = await PostgresEventStore.OpenAsync(new PostgresEventStoreOptions { ConnectionString = connectionString });
        var inLog = await CountEventsAsync(connectionString);
        if (inLog > 0)
        {
            log($"dataset: reusing {inLog:N0} events");
            return inLog;
        }

        var seeding = System.Diagnostics.Stopwatch.StartNew();
        await WriteAsync(store);
        log($"dataset: {EventsWritten:N0} events for {customers:N0} customers in {seeding.Elapsed.TotalSeconds:F1} s ({EventsWritten / seeding.Elapsed.TotalSeconds:F0} events/s)");
        return EventsWritten;
    }

    /// <summary>Events already in the store's table (a kept dataset from an earlier run).</summary>
    public static async Task<long> CountEventsAsync(string connectionString)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM eventstore.events", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private static string Sku(int i) => $"SKU-{i:D4}";
}
