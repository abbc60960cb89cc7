using Bogus;
using OrderLedger.Application;
using OrderLedger.Application.CommandHandling;
using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Stores;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Reactors;

namespace OrderLedger.Cli.Seeding;

/// <summary>
/// One store's month, simulated in business-time order through <see cref="CommandService"/> (the command handlers'
/// path: every rule is checked, every event hash-chained). Each store has its own warehouses, catalogue, customers and
/// random generator, and its steps run one after another in (time, sequence) order, so a store's streams come out the
/// same for the same seed however the stores interleave. Steps schedule their follow-ups (payment after placement,
/// shipments after payment, …); anything due after the window's end is left undone, as it would be in real life.
/// </summary>
internal sealed class StoreSimulation
{
    private static readonly string[] TimeZones = ["Asia/Shanghai", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Europe/London"];
    private static readonly string[] Currencies = ["CNY", "EUR", "USD", "JPY", "GBP"];
    private static readonly string[] Regions = ["north", "south", "east", "west", "central"];
    private static readonly string[] Channels = ["web", "app", "marketplace"];
    private static readonly string[] Carriers = ["SF Express", "DHL", "UPS", "YTO"];
    private static readonly string[] Categories = ["apparel", "electronics", "home", "beauty", "toys"];
    private static readonly string[] Questions =
    [
        "Where is my order?", "Can I change the delivery address?", "The parcel arrived damaged.", "I was charged twice.",
        "When will it ship?", "Can I return one item?", "The size is wrong.", "Do you have this in blue?",
    ];

    /// <summary>Relative order and contact volume per store-local hour: quiet nights, a late-morning and an evening peak.</summary>
    private static readonly double[] HourWeights = [1, 0.5, 0.3, 0.2, 0.2, 0.3, 0.8, 1.5, 2.5, 3.5, 4.5, 4.5, 4, 3.5, 3.5, 3.5, 3.5, 4, 4.5, 5.5, 6, 5.5, 4, 2];

    private readonly CommandService _commands;
    private readonly SeedOptions _options;
    private readonly Faker _faker;
    private readonly SeedCounters _counters;
    private readonly PriorityQueue<Step, (DateTimeOffset At, long Seq)> _queue = new();
    private readonly string _storeId;
    private readonly string _currency;
    private readonly TimeZoneInfo _zone;
    private readonly List<Product> _catalogue = [];
    private readonly List<Warehouse> _warehouses = [];
    private readonly List<Customer> _customers = [];
    private readonly List<string> _agents = [];
    private readonly int _orders;
    private readonly int _autoRefundHours;
    private long _sequence;

    public StoreSimulation(CommandService commands, SeedOptions options, int storeIndex, SeedCounters counters)
    {
        _commands = commands;
        _options = options;
        _counters = counters;
        _faker = new Faker { Random = new Randomizer(unchecked((options.Seed * 7919) + storeIndex)) };
        _storeId = $"{options.Prefix}s{storeIndex}";
        _currency = Currencies[(storeIndex - 1) % Currencies.Length];
        _zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZones[(storeIndex - 1) % TimeZones.Length]);
        _orders = (options.Orders / options.Stores) + (storeIndex <= options.Orders % options.Stores ? 1 : 0);
        _autoRefundHours = 24 * _faker.Random.Int(1, 3);
    }

    private sealed record Step(string Key, Func<DateTimeOffset, Task> Run);

    private sealed record Product(string Sku, string Name, string Category, decimal Price, string Barcode, double Popularity);

    private sealed record Warehouse(string Id, IReadOnlyList<string> Regions, HashSet<string> Skus);

    private sealed record Customer(string Id, PostalAddress Address);

    /// <summary>What the simulation knows about one order while it runs.</summary>
    private sealed class OrderRun(string id, Customer customer, IReadOnlyList<OrderLine> lines)
    {
        public string Id { get; } = id;
        public Customer Customer { get; } = customer;
        public IReadOnlyList<OrderLine> Lines { get; } = lines;
        public decimal Total => Lines.Sum(l => l.Amount);
        public IReadOnlyList<LineAllocation> Allocation { get; set; } = [];
        public bool Paid { get; set; }
        public bool Closed { get; set; }
        public bool StopShipping { get; set; }
        public Dictionary<string, ShipmentRun> Shipments { get; } = new(StringComparer.Ordinal);
        public int Delivered { get; set; }
    }

    private sealed class ShipmentRun(string id)
    {
        public string Id { get; } = id;
        public bool HandedOver { get; set; }
        public bool Stopped { get; set; }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Setup();
        while (_queue.TryDequeue(out var step, out var when))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await step.Run(when.At);
        }
    }

    // ---- scheduling --------------------------------------------------------------------------------------------

    private void At(DateTimeOffset at, string key, Func<DateTimeOffset, Task> run)
    {
        if (at < _options.End)
        {
            _queue.Enqueue(new Step(key, run), (at, _sequence++));
        }
    }

    private async Task<CommandOutcome> Send(object command, string commandId, Actor actor, DateTimeOffset at)
    {
        var outcome = await _commands.ExecuteAsync(command, new CommandContext(commandId, actor, at, _storeId));
        _counters.Record(outcome);
        return outcome;
    }

    private string Id(string key) => $"seed/{_options.Prefix}/{key}";

    private Actor System(string who) => Actor.System($"{who}-{_storeId}");

    private static TimeSpan Minutes(double minutes) => TimeSpan.FromMinutes(minutes);

    private TimeSpan Between(double fromMinutes, double toMinutes) => Minutes(fromMinutes + (_faker.Random.Double() * (toMinutes - fromMinutes)));

    /// <summary>One of <paramref name="items"/>, with probability proportional to its weight.</summary>
    private T Pick<T>(T[] items, double[] weights)
    {
        var x = _faker.Random.Double() * weights.Sum();
        for (var i = 0; i < items.Length; i++)
        {
            x -= weights[i];
            if (x < 0)
            {
                return items[i];
            }
        }

        return items[^1];
    }

    /// <summary>Log-normal: most values near <paramref name="median"/>, with a long right tail.</summary>
    private double LogNormal(double median, double sigma)
    {
        var u1 = 1.0 - _faker.Random.Double();
        var u2 = _faker.Random.Double();
        var normal = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        return median * Math.Exp(sigma * normal);
    }

    /// <summary>A moment on <paramref name="day"/> of the window, at a store-local hour drawn from <see cref="HourWeights"/>.</summary>
    private DateTimeOffset MomentOn(int day)
    {
        var hour = Pick(Enumerable.Range(0, 24).ToArray(), HourWeights);
        var local = _options.Start.UtcDateTime.Date.AddDays(day).AddHours(hour).AddSeconds(_faker.Random.Int(0, 3599));
        return new DateTimeOffset(local, TimeSpan.Zero) - _zone.GetUtcOffset(local);
    }

    private double LoadAt(DateTimeOffset at) => HourWeights[TimeZoneInfo.ConvertTime(at, _zone).Hour] / 3.5;

    // ---- the store, its catalogue, warehouses and customers -----------------------------------------------------

    private void Setup()
    {
        var t = _options.Start.AddDays(-1);
        var returns = Address(_faker.Company.CompanyName(), Regions[0]);
        var warehouseCount = _faker.Random.Int(2, 3);
        for (var w = 1; w <= warehouseCount; w++)
        {
            var regions = Regions.Where((_, i) => i % warehouseCount == w - 1).ToList();
            _warehouses.Add(new Warehouse($"{_storeId}w{w}", regions, new HashSet<string>(StringComparer.Ordinal)));
        }

        var products = Math.Clamp(_orders / 10, 12, 60);
        for (var p = 1; p <= products; p++)
        {
            var sku = $"{_storeId}-sku{p:000}";
            var product = new Product(sku, _faker.Commerce.ProductName(), _faker.PickRandom(Categories),
                Math.Round(_faker.Random.Decimal(5, 300), 2), _faker.Random.ReplaceNumbers("69##########"), 1.0 / Math.Pow(p, 0.8));
            _catalogue.Add(product);
            // Each warehouse carries part of the range, so some orders need parcels from two warehouses.
            foreach (var warehouse in _warehouses.Where((_, i) => i == 0 ? p % 5 != 0 : _faker.Random.Bool(0.6f) || p % 5 == 0))
            {
                warehouse.Skus.Add(sku);
            }
        }

        for (var a = 1; a <= Math.Clamp(_orders / 400, 4, 24); a++)
        {
            _agents.Add($"{_storeId}-agent{a:00}");
        }

        var customers = Math.Max(1, (_options.Customers / _options.Stores) + (_options.Customers % _options.Stores > 0 ? 1 : 0));
        for (var c = 1; c <= customers; c++)
        {
            _customers.Add(new Customer($"{_storeId}-c{c:000000}", Address(_faker.Name.FullName(), _faker.PickRandom(Regions))));
        }

        var admin = System("seed-admin");
        At(t, "store", async at =>
        {
            await Send(new RegisterStore(_storeId, _faker.Company.CompanyName(), _zone.Id, _currency, at), Id($"{_storeId}/register"), admin, at);
            await Send(new SetAutoRefundWindow(_storeId, _autoRefundHours, at), Id($"{_storeId}/auto-refund"), admin, at);
            await Send(new SetServiceHours(_storeId, new TimeOnly(8, 0), new TimeOnly(23, 0), _zone.Id, at), Id($"{_storeId}/hours"), admin, at);
            await Send(new SetSlaTargets(_storeId, SlaTargets.Default, at), Id($"{_storeId}/sla"), admin, at);
            await Send(new SetReturnAddress(_storeId, ReturnAddressScope.Default, null, returns, at), Id($"{_storeId}/returns"), admin, at);
            await Send(new SetWarehouses(_storeId, [.. _warehouses.Select(w => new WarehouseRegions(w.Id, w.Regions))], at), Id($"{_storeId}/warehouses"), admin, at);
        });

        // Stock: an opening receipt and weekly deliveries sized to the expected demand (a few SKUs run short).
        var unitsPerOrder = 2.2;
        var popularity = _catalogue.Sum(p => p.Popularity);
        foreach (var product in _catalogue)
        {
            var holders = _warehouses.Where(w => w.Skus.Contains(product.Sku)).ToList();
            var scarce = _catalogue.IndexOf(product) % 15 == 7 ? 0.5 : 1.0;
            var demand = _orders * unitsPerOrder * product.Popularity / popularity * 1.3 * scarce / Math.Max(1, holders.Count);
            foreach (var warehouse in holders)
            {
                var opening = (int)Math.Ceiling(demand * Math.Min(1.0, 8.0 / _options.Days)) + 5;
                At(t.AddHours(1), $"{warehouse.Id}.{product.Sku}/open", at =>
                    Send(new ReceiveStock(warehouse.Id, product.Sku, opening, at), Id($"{warehouse.Id}.{product.Sku}/receive/0"), System("warehouse"), at));
                for (var week = 1; week * 7 < _options.Days; week++)
                {
                    var quantity = (int)Math.Ceiling(demand * 7 / _options.Days * _faker.Random.Double(0.8, 1.3));
                    var receiptNo = week;
                    At(_options.Start.AddDays(week * 7).AddHours(_faker.Random.Int(6, 10)), $"{warehouse.Id}.{product.Sku}/receive",
                        at => Send(new ReceiveStock(warehouse.Id, product.Sku, quantity, at), Id($"{warehouse.Id}.{product.Sku}/receive/{receiptNo}"), System("warehouse"), at));
                }
            }
        }

        for (var n = 1; n <= _orders; n++)
        {
            var orderId = $"{_storeId}-o{n:000000}";
            var customer = _faker.PickRandom(_customers);
            var lineCount = Pick([1, 2, 3, 4], [0.45, 0.3, 0.17, 0.08]);
            var lines = Enumerable.Range(0, lineCount)
                .Select(_ => Pick([.. _catalogue], [.. _catalogue.Select(p => p.Popularity)]))
                .DistinctBy(p => p.Sku)
                .Select(p => new OrderLine(p.Sku, Pick([1, 2, 3], [0.7, 0.2, 0.1]), p.Price, p.Category, p.Barcode))
                .ToList();
            var order = new OrderRun(orderId, customer, lines);
            At(MomentOn(_faker.Random.Int(0, _options.Days - 1)), orderId, at => PlaceAsync(order, at));
        }

        // Questions not about an order (sizes, availability).
        for (var n = 1; n <= Math.Max(1, _orders / 20); n++)
        {
            var conversationId = $"{_storeId}-q{n:00000}";
            var customer = _faker.PickRandom(_customers);
            At(MomentOn(_faker.Random.Int(0, _options.Days - 1)), conversationId, at => StartConversationAsync(conversationId, customer.Id, null, [], at));
        }
    }

    private PostalAddress Address(string name, string region) =>
        new(name, _faker.Address.StreetAddress(), _faker.Address.City(), _faker.Address.ZipCode("#####"), region, "CN", Phone: _faker.Phone.PhoneNumber("1##########"));

    // ---- orders and payments ---------------------------------------------------------------------------------------

    private async Task PlaceAsync(OrderRun order, DateTimeOffset at)
    {
        var customer = new Actor(ActorKind.Customer, order.Customer.Id);
        var dueAt = at.AddMinutes(30);
        var outcome = await Send(
            new PlaceOrder(order.Id, _storeId, order.Customer.Id, _faker.PickRandom(Channels), _currency, order.Lines, order.Customer.Address, dueAt, at),
            Id($"{order.Id}/place"), customer, at);
        if (!outcome.IsSuccess)
        {
            _counters.OrderRejected();
            return;
        }

        _counters.OrderPlaced();
        order.Allocation = outcome.Events.OfType<OrderAllocated>().SelectMany(a => a.Allocations).ToList();
        var reference = $"pay-{order.Id}";
        var behaviour = _faker.Random.Double();
        if (behaviour < 0.05)
        {
            // Card declined, never paid: the payment-timeout reactor cancels it and releases the stock.
            At(at + Between(0.5, 3), $"{order.Id}/fail", t => Send(new FailPayment(order.Id, reference + "-1", "card-declined", t), Id($"{order.Id}/fail"), customer, t));
            At(dueAt, $"{order.Id}/timeout", TimeOutAsync(order));
        }
        else if (behaviour < 0.10)
        {
            At(dueAt, $"{order.Id}/timeout", TimeOutAsync(order));
        }
        else
        {
            var paidAfter = Minutes(Math.Min(25, LogNormal(1.5, 0.9)));
            if (_faker.Random.Bool(0.06f))
            {
                At(at + paidAfter / 2, $"{order.Id}/fail", t => Send(new FailPayment(order.Id, reference + "-1", "insufficient-funds", t), Id($"{order.Id}/fail"), customer, t));
            }

            At(at + paidAfter, $"{order.Id}/pay", t => PayAsync(order, reference, t));
        }
    }

    private Func<DateTimeOffset, Task> TimeOutAsync(OrderRun order) => async at =>
    {
        order.Closed = true;
        await Send(new TimeOutPayment(order.Id, at), ReactorCommandIds.Of(TimerKinds.PaymentTimeout, order.Id), Actor.System("reactor-payment-timeout"), at);
    };

    private async Task PayAsync(OrderRun order, string reference, DateTimeOffset at)
    {
        var customer = new Actor(ActorKind.Customer, order.Customer.Id);
        if (!(await Send(new ConfirmPayment(order.Id, order.Total, _currency, reference, at), Id($"{order.Id}/pay"), customer, at)).IsSuccess)
        {
            return;
        }

        order.Paid = true;
        var fate = _faker.Random.Double();
        if (fate < 0.02)
        {
            At(at + Between(5, 50), $"{order.Id}/cancel", async t =>
            {
                if (order.Shipments.Values.All(s => !s.HandedOver))
                {
                    order.Closed = true;
                    order.StopShipping = true;
                    await Send(new CancelOrder(order.Id, "customer-changed-mind", t), Id($"{order.Id}/cancel"), customer, t);
                }
            });
        }
        else if (fate < 0.045)
        {
            At(at + Between(10, 20 * 60), $"{order.Id}/refund-early", t => RequestRefundAsync(order, $"{order.Id}-r1", RefundKind.RefundOnly, full: true, "changed-mind", t));
        }

        foreach (var warehouse in order.Allocation.Select(a => a.WarehouseId).Distinct(StringComparer.Ordinal).ToList())
        {
            At(at + Between(60, 360), $"{order.Id}/ship/{warehouse}", t => CreateShipmentAsync(order, warehouse, t));
        }

        if (_faker.Random.Bool(0.22f))
        {
            var conversationId = $"{order.Id}-c1";
            At(at + Between(60, 5 * 24 * 60), conversationId, t => StartConversationAsync(conversationId, order.Customer.Id, order, [], t));
        }
    }

    // ---- shipments -----------------------------------------------------------------------------------------------

    private async Task CreateShipmentAsync(OrderRun order, string warehouseId, DateTimeOffset at)
    {
        if (order.StopShipping)
        {
            return;
        }

        var shipment = new ShipmentRun($"{order.Id}-{warehouseId}");
        var lines = order.Allocation.Where(a => a.WarehouseId == warehouseId)
            .Select(a => new ShipmentLine(a.Sku, a.Quantity, order.Lines.First(l => l.Sku == a.Sku).ScanCode)).ToList();
        var ops = System("warehouse");
        if (!(await Send(new CreateShipment(shipment.Id, order.Id, _storeId, warehouseId, lines, order.Customer.Address, at), Id($"{shipment.Id}/create"), ops, at)).IsSuccess)
        {
            return;
        }

        order.Shipments[warehouseId] = shipment;
        var picked = at + Between(30, 180);
        var packed = picked + Between(10, 60);
        var handed = packed + Between(60, 480);
        At(picked, $"{shipment.Id}/pick", t => Unless(shipment, () => Send(new RecordPicked(shipment.Id, $"picker-{_faker.Random.Int(1, 9)}", t), Id($"{shipment.Id}/pick"), ops, t)));
        var barcodes = lines.SelectMany(l => Enumerable.Repeat(l.Barcode, l.Quantity)).ToList();
        var weight = _faker.Random.Int(200, 6000);
        At(packed, $"{shipment.Id}/pack", t => Unless(shipment, () => Send(new PackAndVerify(shipment.Id, barcodes, weight, $"packer-{_faker.Random.Int(1, 6)}", t), Id($"{shipment.Id}/pack"), ops, t)));
        At(handed, $"{shipment.Id}/hand-over", t => Unless(shipment, () => HandOverAsync(order, shipment, t)));
    }

    private Task Unless(ShipmentRun shipment, Func<Task> step) => shipment.Stopped ? Task.CompletedTask : step();

    private async Task HandOverAsync(OrderRun order, ShipmentRun shipment, DateTimeOffset at)
    {
        var carrier = _faker.PickRandom(Carriers);
        var tracking = _faker.Random.ReplaceNumbers("TN##########");
        if (!(await Send(new HandOverToCarrier(shipment.Id, carrier, tracking, at), Id($"{shipment.Id}/hand-over"), System("warehouse"), at)).IsSuccess)
        {
            return;
        }

        shipment.HandedOver = true;
        var carrierActor = Actor.System($"carrier-{carrier.Replace(' ', '-').ToLowerInvariant()}");
        var t = at;
        var scans = _faker.Random.Int(2, 4);
        for (var i = 1; i <= scans; i++)
        {
            t += Between(4 * 60, 18 * 60);
            var location = _faker.Address.City();
            var n = i;
            At(t, $"{shipment.Id}/scan{n}", s => Send(new RecordTrackingScan(shipment.Id, location, n == scans ? "out-for-delivery" : "in-transit", s), Id($"{shipment.Id}/scan{n}"), carrierActor, s));
        }

        var trouble = _faker.Random.Double();
        if (trouble < 0.012)
        {
            At(t + Between(60, 600), $"{shipment.Id}/lost", async s =>
            {
                await Send(new ReportShipmentException(shipment.Id, ShipmentExceptionKind.Lost, "no scan for 3 days", s), Id($"{shipment.Id}/lost"), carrierActor, s);
                At(s + Between(60, 24 * 60), $"{order.Id}/refund-lost", r => RequestRefundAsync(order, $"{order.Id}-r2", RefundKind.RefundOnly, full: true, "parcel-lost", r));
            });
            return;
        }

        if (trouble < 0.05)
        {
            var kind = _faker.PickRandom(ShipmentExceptionKind.Delayed, ShipmentExceptionKind.AddressError, ShipmentExceptionKind.Damaged);
            At(t + Between(10, 120), $"{shipment.Id}/exception", s => Send(new ReportShipmentException(shipment.Id, kind, kind.ToString(), s), Id($"{shipment.Id}/exception"), carrierActor, s));
            t += kind == ShipmentExceptionKind.Damaged ? Minutes(180) : Between(24 * 60, 48 * 60);
        }

        At(t + Between(120, 720), $"{shipment.Id}/deliver", async s =>
        {
            await Send(new MarkDelivered(shipment.Id, s), Id($"{shipment.Id}/deliver"), carrierActor, s);
            order.Delivered++;
            if (order.Delivered == order.Shipments.Count && order.Shipments.Count == order.Allocation.Select(a => a.WarehouseId).Distinct().Count())
            {
                At(s + Minutes(60), $"{order.Id}/complete", c => Send(new CompleteOrder(order.Id, c), Id($"{order.Id}/complete"), System("orders"), c));
                var after = _faker.Random.Double();
                if (after < 0.035)
                {
                    At(s + Between(60, 5 * 24 * 60), $"{order.Id}/return", r => RequestRefundAsync(order, $"{order.Id}-r3", RefundKind.ReturnAndRefund, full: false, "does-not-fit", r));
                }
                else if (after < 0.06)
                {
                    At(s + Between(60, 3 * 24 * 60), $"{order.Id}/refund-partial", r => RequestRefundAsync(order, $"{order.Id}-r4", RefundKind.RefundOnly, full: false, "not-as-described", r));
                }
            }
        });
    }

    // ---- refunds ---------------------------------------------------------------------------------------------------

    private async Task RequestRefundAsync(OrderRun order, string refundId, RefundKind kind, bool full, string reason, DateTimeOffset at)
    {
        if (order.Closed)
        {
            return;
        }

        var line = order.Lines[_faker.Random.Int(0, order.Lines.Count - 1)];
        IReadOnlyList<RefundLine> lines = full
            ? [.. order.Lines.Select(l => new RefundLine(l.Sku, l.Quantity, l.Amount))]
            : kind == RefundKind.ReturnAndRefund
                ? [new RefundLine(line.Sku, 1, line.UnitPrice)]
                : [new RefundLine(line.Sku, 0, Math.Max(0.01m, Math.Round(line.Amount * 0.3m, 2)))];
        var customer = new Actor(ActorKind.Customer, order.Customer.Id);
        var outcome = await Send(new RequestRefund(refundId, order.Id, _storeId, order.Customer.Id, kind, lines, reason, null, at), Id($"{refundId}/request"), customer, at);
        if (!outcome.IsSuccess)
        {
            return;
        }

        if (full)
        {
            order.Closed = true;
        }

        var agent = new Actor(ActorKind.Agent, _faker.PickRandom(_agents));
        if (outcome.Events.OfType<RefundApproved>().Any(a => a.ByRule))
        {
            // What the auto-refund reactor does: stop parcels that have not left yet, then pay with no human involved.
            order.StopShipping = true;
            var t = at + Between(0.2, 2);
            foreach (var shipment in order.Shipments.Values.Where(s => !s.HandedOver))
            {
                shipment.Stopped = true;
                At(t, $"{shipment.Id}/intercept", s => Send(new InterceptShipment(shipment.Id, $"refund {refundId}", s),
                    ReactorCommandIds.Intercept(refundId, shipment.Id), Actor.System("reactor-auto-refund"), s));
            }

            At(t + Between(0.5, 3), $"{refundId}/pay", s => Send(new PayRefund(refundId, ReactorCommandIds.RefundPaymentReference(refundId), s),
                ReactorCommandIds.Of(TimerKinds.AutoRefund, refundId), Actor.System("reactor-auto-refund"), s));
            return;
        }

        var decided = at + Between(60, 30 * 60);
        if (_faker.Random.Bool(0.12f))
        {
            At(decided, $"{refundId}/reject", async s =>
            {
                await Send(new RejectRefund(refundId, agent.Id, "outside-policy", s), Id($"{refundId}/reject"), agent, s);
                if (full)
                {
                    order.Closed = false;
                }

                if (_faker.Random.Bool(0.4f))
                {
                    DisputeLater(refundId, customer, s);
                }
            });
            return;
        }

        At(decided, $"{refundId}/approve", async s =>
        {
            await Send(new ApproveRefund(refundId, agent.Id, null, null, s), Id($"{refundId}/approve"), agent, s);
            if (kind == RefundKind.RefundOnly)
            {
                At(s + Between(10, 240), $"{refundId}/pay", p => Send(new PayRefund(refundId, $"rf-{refundId}", p), Id($"{refundId}/pay"), System("finance"), p));
                return;
            }

            var tracking = _faker.Random.ReplaceNumbers("RT##########");
            var shipped = s + Between(12 * 60, 72 * 60);
            var received = shipped + Between(24 * 60, 96 * 60);
            var inspected = received + Between(60, 24 * 60);
            var passed = _faker.Random.Bool(0.9f);
            At(shipped, $"{refundId}/return-shipped", p => Send(new RecordReturnShipped(refundId, _faker.PickRandom(Carriers), tracking, p), Id($"{refundId}/return-shipped"), customer, p));
            At(received, $"{refundId}/return-received", p => Send(new ReceiveReturn(refundId, tracking, p), Id($"{refundId}/return-received"), System("warehouse"), p));
            At(inspected, $"{refundId}/inspect", async p =>
            {
                await Send(new InspectReturn(refundId, passed, $"inspector-{_faker.Random.Int(1, 4)}", passed ? "as new" : "worn", p), Id($"{refundId}/inspect"), System("warehouse"), p);
                if (passed)
                {
                    At(p + Between(30, 600), $"{refundId}/pay", q => Send(new PayRefund(refundId, $"rf-{refundId}", q), Id($"{refundId}/pay"), System("finance"), q));
                }
                else
                {
                    At(p + Between(30, 600), $"{refundId}/reject", q => Send(new RejectRefund(refundId, agent.Id, "inspection-failed", q), Id($"{refundId}/reject"), agent, q));
                    DisputeLater(refundId, customer, p + Minutes(700));
                }
            });
        });
    }

    private void DisputeLater(string refundId, Actor customer, DateTimeOffset after)
    {
        var opened = after + Between(12 * 60, 72 * 60);
        At(opened, $"{refundId}/dispute", s => Send(new OpenDispute(refundId, customer.Id, "disagree-with-decision", s), Id($"{refundId}/dispute"), customer, s));
        var merchantAtFault = _faker.Random.Bool(0.4f);
        At(opened + Between(2 * 24 * 60, 7 * 24 * 60), $"{refundId}/judge", s =>
            Send(new JudgeDispute(refundId, merchantAtFault, "platform-arbiter", merchantAtFault ? "merchant at fault" : "customer claim rejected", s), Id($"{refundId}/judge"), Actor.System("platform"), s));
    }

    // ---- conversations -----------------------------------------------------------------------------------------------

    private async Task StartConversationAsync(string conversationId, string customerId, OrderRun? order, IReadOnlyList<string> unresolved, DateTimeOffset at)
    {
        var channel = Pick(["chat", "app", "email"], [0.55, 0.25, 0.2]);
        var bot = channel != "email";
        var customer = new Actor(ActorKind.Customer, customerId);
        await Send(new StartConversation(conversationId, _storeId, customerId, channel, order?.Id, bot, unresolved, at), Id($"{conversationId}/start"), customer, at);
        var t = at + TimeSpan.FromSeconds(_faker.Random.Int(2, 20));
        var message = 1;
        At(t, $"{conversationId}/m1", s => Send(new ReceiveCustomerMessage(conversationId, "m1", _faker.PickRandom(Questions), s), Id($"{conversationId}/m1"), customer, s));

        var escalated = order is not null && unresolved.Count > 0;
        var conversation = new ConversationRun(conversationId, customer, order is not null, escalated);
        if (escalated)
        {
            // What the escalation reactor records when the 48-hour deadline passes unresolved.
            At(at.AddHours(ConversationDecider.EscalationResolutionHours), $"{conversationId}/deadline", s => conversation.Resolved
                ? Task.CompletedTask
                : Send(new RecordEscalationDeadlineMissed(conversationId, s), ReactorCommandIds.Of(TimerKinds.EscalationDeadline, ReactorCommandIds.EscalationKey(conversationId, at)),
                    Actor.System("reactor-escalation-deadline"), s));
        }

        if (order is not null && unresolved.Count == 0 && _faker.Random.Bool(0.12f))
        {
            // A second contact about the same order while the first is still open: escalated at once.
            var second = $"{order.Id}-c2";
            At(t + Between(5, 90), second, s => conversation.Resolved
                ? StartConversationAsync(second, customerId, null, [], s)
                : StartConversationAsync(second, customerId, order, [conversationId], s));
        }

        if (bot)
        {
            t += TimeSpan.FromSeconds(_faker.Random.Int(1, 8));
            At(t, $"{conversationId}/bot1", s => Send(new SendBotReply(conversationId, "b1", "I can help with that. Let me check.", s), Id($"{conversationId}/bot1"), new Actor(ActorKind.Bot, "bot"), s));
            if (_faker.Random.Bool(0.3f))
            {
                At(t + Between(1, 6), $"{conversationId}/resolve", s => ResolveAsync(conversation, "bot", s));
                return;
            }

            t += TimeSpan.FromSeconds(_faker.Random.Int(20, 120));
            At(t, $"{conversationId}/hand-off", s => Send(new HandOffToHuman(conversationId, "customer-asked-for-agent", s), Id($"{conversationId}/hand-off"), new Actor(ActorKind.Bot, "bot"), s));
        }

        var agentId = _faker.PickRandom(_agents);
        var agent = new Actor(ActorKind.Agent, agentId);
        t += TimeSpan.FromSeconds(_faker.Random.Int(3, 40));
        At(t, $"{conversationId}/assign", s => Send(new AssignAgent(conversationId, agentId, s), Id($"{conversationId}/assign"), System("router"), s));
        var rounds = Pick([1, 2, 3], [0.55, 0.3, 0.15]);
        for (var round = 1; round <= rounds; round++)
        {
            if (_faker.Random.Bool(0.03f))
            {
                // Nobody answers: the customer gives up and closes it later, or it stays open.
                if (_faker.Random.Bool(0.5f))
                {
                    At(t + Between(30, 240), $"{conversationId}/withdrawn", s => ResolveAsync(conversation, "customer", s));
                }

                return;
            }

            // First-reply delay: median about a minute, mostly under three, a long tail, slower at peak hours.
            var delay = TimeSpan.FromSeconds(Math.Min(4 * 3600, 8 + LogNormal(55, 0.85) * LoadAt(t)));
            t += delay;
            var r = round;
            At(t, $"{conversationId}/a{r}", s => Send(new SendAgentReply(conversationId, agentId, $"a{r}", _faker.Lorem.Sentence(), s), Id($"{conversationId}/a{r}"), agent, s));
            if (round < rounds)
            {
                t += TimeSpan.FromSeconds(_faker.Random.Int(30, 400));
                var m = ++message;
                At(t, $"{conversationId}/m{m}", s => Send(new ReceiveCustomerMessage(conversationId, $"m{m}", _faker.Lorem.Sentence(), s), Id($"{conversationId}/m{m}"), customer, s));
            }
        }

        // Some escalated cases drag on past their deadline.
        var resolveAt = escalated && _faker.Random.Bool(0.25f) ? at + Between(49 * 60, 72 * 60) : t + Between(1, 15);
        At(resolveAt, $"{conversationId}/resolve", s => ResolveAsync(conversation, agentId, s));
    }

    private sealed class ConversationRun(string id, Actor customer, bool aboutOrder, bool escalated)
    {
        public string Id { get; } = id;
        public Actor Customer { get; } = customer;
        public bool AboutOrder { get; } = aboutOrder;
        public bool Escalated { get; } = escalated;
        public bool Resolved { get; set; }
    }

    /// <summary>
    /// What the agent files the conversation under after resolving it: about an order mostly logistics, refunds and
    /// quality; about no order mostly product questions. Escalated repeats are mostly complaints, quality problems often.
    /// </summary>
    private void ClassifyLater(ConversationRun conversation, Actor agent, DateTimeOffset resolvedAt)
    {
        var category = conversation.AboutOrder
            ? Pick([ConversationCategory.Logistics, ConversationCategory.Refund, ConversationCategory.Quality, ConversationCategory.Payment, ConversationCategory.Other], [0.45, 0.25, 0.18, 0.06, 0.06])
            : Pick([ConversationCategory.ProductQuestion, ConversationCategory.Payment, ConversationCategory.Other], [0.6, 0.15, 0.25]);
        var complaint = _faker.Random.Bool(conversation.Escalated ? 0.7f : category == ConversationCategory.Quality ? 0.35f : 0.05f);
        string[] tags = category switch
        {
            ConversationCategory.Logistics => [_faker.PickRandom("late", "no-tracking", "wrong-address")],
            ConversationCategory.Quality => [_faker.PickRandom("damaged", "wrong-item", "not-as-described")],
            ConversationCategory.Refund => [_faker.PickRandom("refund-status", "return-label")],
            _ => [],
        };
        var id = conversation.Id;
        At(resolvedAt + Between(0.2, 3), $"{id}/classify", s => Send(new ClassifyConversation(id, category, complaint, tags, s), Id($"{id}/classify"), agent, s));
    }

    private async Task ResolveAsync(ConversationRun conversation, string by, DateTimeOffset at)
    {
        if (conversation.Resolved)
        {
            return;
        }

        conversation.Resolved = true;
        var id = conversation.Id;
        await Send(new ResolveConversation(id, by, at), Id($"{id}/resolve"), by == "customer" ? conversation.Customer : new Actor(ActorKind.Agent, by), at);
        if (by is not ("customer" or "bot"))
        {
            ClassifyLater(conversation, new Actor(ActorKind.Agent, by), at);
        }
        if (_faker.Random.Bool(0.55f))
        {
            var rating = Pick([SatisfactionRating.Satisfied, SatisfactionRating.Neutral, SatisfactionRating.Dissatisfied], [0.74, 0.15, 0.11]);
            At(at + Between(1, 45), $"{id}/rate", s => Send(new RateSatisfaction(id, rating, s), Id($"{id}/rate"), conversation.Customer, s));
        }

        // The NPS reactor's survey, seven days after resolution (store default), and some answers.
        var surveyAt = at.AddDays(SlaTargets.Default.NpsSurveyDelayDays);
        At(surveyAt, $"{id}/nps", async s =>
        {
            await Send(new SendNpsSurvey(id, s), ReactorCommandIds.Of(TimerKinds.NpsSurvey, id), Actor.System("reactor-nps-survey"), s);
            if (_faker.Random.Bool(0.38f))
            {
                var score = Pick([10, 9, 8, 7, 6, 5, 3, 1], [0.25, 0.22, 0.16, 0.13, 0.09, 0.07, 0.05, 0.03]);
                At(s + Between(20, 3 * 24 * 60), $"{id}/nps-answer", a => Send(new AnswerNps(id, score, a), Id($"{id}/nps-answer"), conversation.Customer, a));
            }
        });
    }
}
