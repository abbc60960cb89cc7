using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stores;
using OrderLedger.Metrics.Tests.Support;

namespace OrderLedger.Metrics.Tests.CrossCheck;

/// <summary>
/// A deterministic month and a half of a multi-store shop: every stream as (stream id, timed events). Conversations
/// exercise every §5 rule at random: bot and human channels, hand-offs, several customer messages, bot replies in the
/// way, re-assignments, replies at exactly 180 s, late and never, withdrawals, reopens, ratings, surveys and answers,
/// repeat contacts about the same order; stores in four time zones with their own service hours (one wrapping past
/// midnight, one around the clock, one never set).
/// </summary>
public static class SeededDataset
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    public const int Days = 40;

    public static readonly (string StoreId, string? TimeZone, TimeOnly Opens, TimeOnly Closes)[] Stores =
    [
        ("S-UTC", null, new(8, 0), new(23, 0)),
        ("S-SH", "Asia/Shanghai", new(9, 0), new(21, 0)),
        ("S-LA", "America/Los_Angeles", new(8, 0), new(2, 0)),
        ("S-BER", "Europe/Berlin", new(0, 0), new(0, 0)),
    ];

    public sealed record Stream(string StreamId, string? StoreId, List<(DateTimeOffset At, object Event)> Events);

    public static (List<Stream> StoreStreams, List<Stream> Streams) Generate(int conversations, int seed)
    {
        var random = new Random(seed);
        var storeStreams = Stores
            .Where(s => s.TimeZone is not null)
            .Select(s => new Stream(StreamIds.Store(s.StoreId), s.StoreId,
            [
                (Start.AddDays(-10), new StoreRegistered(s.StoreId, s.StoreId, s.TimeZone!, "CNY", Start.AddDays(-10))),
                (Start.AddDays(-10), new StoreServiceHoursSet(s.StoreId, s.Opens, s.Closes, s.TimeZone!, Start.AddDays(-10))),
            ]))
            .ToList();

        var streams = new List<Stream>();
        var customers = Math.Max(4, conversations / 7);
        var ordersOf = new List<string>[customers];
        for (var c = 0; c < customers; c++)
        {
            var storeId = Stores[c % Stores.Length].StoreId;
            ordersOf[c] = [];
            for (var k = 0; k < 1 + random.Next(2); k++)
            {
                var orderId = $"O{c}x{k}";
                ordersOf[c].Add(orderId);
                streams.AddRange(Order(random, orderId, storeId, $"C{c}"));
            }
        }

        for (var i = 0; i < conversations; i++)
        {
            var c = random.Next(customers);
            var storeId = Stores[c % Stores.Length].StoreId;
            var orderId = random.NextDouble() < 0.75 ? ordersOf[c][random.Next(ordersOf[c].Count)] : null;
            streams.Add(Conversation(random, $"CV{i}", storeId, $"C{c}", orderId));
        }

        return (storeStreams, streams);
    }

    private static DateTimeOffset RandomTime(Random random) => Start.AddSeconds(random.NextInt64(Days * 86400L));

    private static IEnumerable<Stream> Order(Random random, string orderId, string storeId, string customerId)
    {
        var t = RandomTime(random);
        var order = new Stream(StreamIds.Order(orderId), storeId, []);
        order.Events.Add((t, new OrderPlaced(orderId, storeId, customerId, "web", "CNY", [new OrderLine("TEA-01", 1, 100m)], 100m, Commerce.Shanghai, t.AddMinutes(30), t)));
        if (random.NextDouble() < 0.15)
        {
            t = t.AddMinutes(random.Next(1, 30));
            order.Events.Add((t, new OrderCancelled(orderId, "customer-request", false, t)));
            yield return order;
            yield break;
        }

        t = t.AddSeconds(random.Next(10, 1800));
        order.Events.Add((t, new OrderPaymentConfirmed(orderId, 100m, "CNY", $"PAY-{orderId}", t)));
        yield return order;

        if (random.NextDouble() < 0.6)
        {
            var shipmentId = $"P-{orderId}";
            var s = t.AddHours(random.Next(1, 30));
            var shipment = new Stream(StreamIds.Shipment(shipmentId), storeId,
                [(s, new ShipmentCreated(shipmentId, orderId, storeId, "W1", [new ShipmentLine("TEA-01", 1, "TEA-01")], Commerce.Shanghai, s))]);
            if (random.NextDouble() < 0.9)
            {
                s = s.AddHours(random.Next(1, 20));
                shipment.Events.Add((s, new ShipmentHandedToCarrier(shipmentId, orderId, "SF", $"SF-{shipmentId}", s)));
                if (random.NextDouble() < 0.8)
                {
                    s = s.AddHours(random.Next(10, 90));
                    shipment.Events.Add((s, new ShipmentDelivered(shipmentId, orderId, s)));
                }
            }

            yield return shipment;
        }

        if (random.NextDouble() < 0.2)
        {
            var refundId = $"R-{orderId}";
            var kind = random.NextDouble() < 0.5 ? RefundKind.RefundOnly : RefundKind.ReturnAndRefund;
            var r = t.AddHours(random.Next(1, 100));
            var refund = new Stream(StreamIds.Refund(refundId), storeId,
                [(r, new RefundRequested(refundId, orderId, storeId, customerId, kind, [new RefundLine("TEA-01", 1, 100m)], 100m, "meh", r))]);
            var auto = kind == RefundKind.RefundOnly && random.NextDouble() < 0.5;
            if (auto)
            {
                refund.Events.Add((r, new RefundApproved(refundId, orderId, true, RefundDecider.AutoApprover, r)));
            }
            else if (random.NextDouble() < 0.85)
            {
                r = r.AddMinutes(random.Next(5, 3000));
                refund.Events.Add((r, new RefundApproved(refundId, orderId, false, "agent", r)));
            }

            if (refund.Events.Count > 1 && random.NextDouble() < 0.85)
            {
                r = r.AddMinutes(kind == RefundKind.RefundOnly ? random.Next(1, 600) : random.Next(2000, 12000));
                refund.Events.Add((r, new RefundPaid(refundId, orderId, 100m, $"RP-{refundId}", r)));
            }

            if (random.NextDouble() < 0.3)
            {
                r = r.AddHours(random.Next(1, 48));
                refund.Events.Add((r, new RefundDisputeOpened(refundId, orderId, customerId, "slow", r)));
                r = r.AddHours(random.Next(1, 200));
                refund.Events.Add((r, new RefundDisputeJudged(refundId, orderId, random.NextDouble() < 0.5, "platform", "", r)));
            }

            yield return refund;
        }
    }

    private static Stream Conversation(Random random, string id, string storeId, string customerId, string? orderId)
    {
        var stream = new Stream(StreamIds.Conversation(id), storeId, []);
        var events = stream.Events;
        var t = RandomTime(random);
        var messages = 0;
        void Add(object e) => events.Add((t, e));
        string Msg() => $"{id}m{++messages}";
        DateTimeOffset Later(int minSeconds, int maxSeconds) => t = t.AddSeconds(random.Next(minSeconds, maxSeconds + 1));
        var agents = Enumerable.Range(1, 5).Select(a => $"{storeId}-agent{a}").ToArray();
        string? assigned = null;

        var bot = random.NextDouble() < 0.4;
        Add(new ConversationStarted(id, storeId, customerId, "chat", orderId, bot ? ConversationMode.Bot : ConversationMode.Human, t));
        Later(0, 20);
        Add(new CustomerMessageReceived(id, Msg(), "hi", t));
        if (bot)
        {
            Later(1, 20);
            Add(new BotReplied(id, Msg(), "bot", t));
            if (random.NextDouble() < 0.3)
            {
                Later(5, 300);
                Add(new ConversationResolved(id, "bot", t));
                Classify(id, t, events);
                return stream;
            }

            if (random.NextDouble() < 0.5)
            {
                Later(0, 60);
                Add(new CustomerMessageReceived(id, Msg(), "human please", t));
            }

            Later(1, 60);
            Add(new ConversationHandedOff(id, "asked-for-human", t));
        }

        if (random.NextDouble() < 0.85)
        {
            Later(0, 90);
            assigned = agents[random.Next(agents.Length)];
            Add(new AgentAssigned(id, assigned, null, t));
        }

        var resolvedOnce = false;
        for (var round = 0; round < 4; round++)
        {
            var inquiryStart = round == 0 ? events.First(e => e.Event is CustomerMessageReceived or ConversationHandedOff && (!bot || e.Event is ConversationHandedOff)).At : t;
            if (round > 0)
            {
                Add(new CustomerMessageReceived(id, Msg(), "and another thing", t));
                inquiryStart = t;
            }

            for (var extra = random.Next(3); extra > 0; extra--)
            {
                Later(0, 100);
                Add(random.NextDouble() < 0.2 ? new BotReplied(id, Msg(), "bot", t) : new CustomerMessageReceived(id, Msg(), "hello?", t));
            }

            if (assigned is not null && random.NextDouble() < 0.1)
            {
                Later(0, 60);
                assigned = agents[random.Next(agents.Length)];
                Add(new AgentAssigned(id, assigned, null, t));
            }

            var p = random.NextDouble();
            int? wait = assigned is null ? null : p < 0.1 ? 180 : p < 0.5 ? random.Next(5, 180) : p < 0.85 ? random.Next(181, 1500) : null;
            if (wait is { } w && inquiryStart.AddSeconds(w) >= t)
            {
                t = inquiryStart.AddSeconds(w);
                Add(new AgentReplied(id, assigned!, Msg(), "answer", t));
            }
            else if (wait is not null)
            {
                Later(0, 5);
                Add(new AgentReplied(id, assigned!, Msg(), "answer", t));
            }
            else
            {
                break; // unanswered: the conversation is resolved (withdrawn) below or stays open
            }

            if (random.NextDouble() < 0.6)
            {
                break;
            }

            Later(30, 900);
        }

        if (random.NextDouble() < 0.85)
        {
            Later(10, random.NextDouble() < 0.5 ? 170 : 7200);
            Add(new ConversationResolved(id, random.NextDouble() < 0.2 ? "customer" : "agent", t));
            resolvedOnce = true;
            var resolvedAt = t;
            if (random.NextDouble() < 0.6)
            {
                Later(1, 900);
                Add(new SatisfactionRated(id, (SatisfactionRating)random.Next(3), t));
            }

            if (random.NextDouble() < 0.12)
            {
                Later(3600, 10 * 86400);
                Add(new ConversationReopened(id, t));
                Add(new CustomerMessageReceived(id, Msg(), "it is broken again", t));
                if (assigned is not null && random.NextDouble() < 0.7)
                {
                    Later(5, 400);
                    Add(new AgentReplied(id, assigned, Msg(), "sorry", t));
                }

                if (random.NextDouble() < 0.8)
                {
                    Later(10, 3000);
                    Add(new ConversationResolved(id, "agent", t));
                }
                else
                {
                    resolvedOnce = false; // left open: no survey
                }
            }

            if (resolvedOnce && random.NextDouble() < 0.7)
            {
                t = t > resolvedAt.AddDays(7) ? t.AddMinutes(1) : resolvedAt.AddDays(7);
                Add(new NpsSurveySent(id, t));
                if (random.NextDouble() < 0.5)
                {
                    Later(600, 3 * 86400);
                    Add(new NpsAnswered(id, random.Next(11), t));
                }
            }
        }

        Classify(id, t, events);
        return stream;
    }

    /// <summary>
    /// Most conversations get classified after their last event, some of them again later (a complaint withdrawn, a
    /// category corrected), so the classification buckets must move counts between buckets. Drawn from a generator of
    /// their own (seeded by the id) so the rest of the dataset is what it was before classifications were added.
    /// </summary>
    private static void Classify(string id, DateTimeOffset last, List<(DateTimeOffset At, object Event)> events)
    {
        var random = new Random(id.Aggregate(17, (h, c) => unchecked((h * 31) + c)));
        var categories = Enum.GetValues<ConversationCategory>();
        var t = last;
        ConversationCategory? category = null;
        bool? complaint = null;
        for (var i = 0; i < 3 && random.NextDouble() < (i == 0 ? 0.75 : 0.35); i++)
        {
            t = t.AddSeconds(random.Next(1, i == 0 ? 3600 : 5 * 86400));
            var next = categories[random.Next(categories.Length)];
            var isComplaint = random.NextDouble() < 0.3;
            events.Add((t, new ConversationClassified(id, next, isComplaint, [], category, complaint, category is null ? null : [], t)));
            (category, complaint) = (next, isComplaint);
        }
    }
}
