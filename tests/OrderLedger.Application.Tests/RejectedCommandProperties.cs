using System.Collections;
using System.Reflection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Npgsql;
using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Stores;
using static OrderLedger.Application.Tests.Ledger;

namespace OrderLedger.Application.Tests;

/// <summary>
/// Issue 13 item 6: a rejected command appends nothing, anywhere. Commands of every kind the domain defines (found by
/// reflection, so a new command type is covered without touching this test), with arguments drawn from the ids of a
/// small living world and from hostile values, run through <see cref="CommandService"/> against real PostgreSQL: when
/// one is refused (or throws), the log holds exactly the events it held before. The one recorded refusal is an order
/// rejected for lack of stock: that is a business fact (a retry gets the same answer), one <c>order-rejected</c> event on
/// the order's own stream and nothing else.
/// </summary>
public class RejectedCommandProperties(RejectedCommandProperties.World world) : IClassFixture<RejectedCommandProperties.World>
{
    public static IReadOnlyList<Type> CommandTypes { get; } =
        [.. typeof(IDomainCommand).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IDomainCommand).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)];

    [Fact]
    public void Every_command_kind_of_the_domain_is_generated()
    {
        Assert.Contains(typeof(RequestRefund), CommandTypes);
        Assert.Contains(typeof(HandOverToCarrier), CommandTypes);
        Assert.Contains(typeof(PlaceOrder), CommandTypes);
        Assert.All(CommandTypes, t => Assert.Single(t.GetConstructors()));
        Assert.True(CommandTypes.Count >= 40, $"only {CommandTypes.Count} command types found");
    }

    [Fact]
    public async Task The_reproduction_a_return_with_a_line_of_quantity_zero_is_refused_and_claims_nothing()
    {
        var order = world.PaidOrder;
        var before = await world.CountAsync();
        var request = new RequestRefund(Id("r-"), order, world.StoreId, "c-1", RefundKind.ReturnAndRefund, [new RefundLine(world.Tea, 0, 10m)], "broken", null, World.Now);

        var outcome = await world.App.Commands.ExecuteAsync(request, Ctx(World.Now));

        Assert.Equal("refund.return-quantity-required", outcome.Error?.Rule);
        Assert.Equal(before, await world.CountAsync());
        Assert.DoesNotContain(await world.Ledger.EventsAsync(StreamIds.Order(order)), e => e is OrderRefundClaimed c && c.RefundId == request.RefundId);
    }

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 300)]
    public async Task A_rejected_command_of_any_kind_leaves_every_stream_as_it_was(Generated generated)
    {
        var command = generated.Build(world);
        var orderStream = command is PlaceOrder placing ? StreamIds.Order(placing.OrderId) : null;
        var orderEventsBefore = orderStream is null ? 0 : (await world.Ledger.ReadAsync(orderStream)).Count;
        var before = await world.CountAsync();
        var head = await world.Ledger.Store.ReadHeadPositionAsync();
        DomainError? error;
        try
        {
            error = (await world.App.Commands.ExecuteAsync(command, Ctx(World.Now))).Error;
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            // Not a refusal the domain chose, but just as bound to leave the log untouched.
            error = DomainError.Invalid("exception", ex.GetType().Name + ": " + ex.Message);
        }

        if (error is null)
        {
            return;
        }

        var appended = await world.CountAsync() - before;
        if (error.Rule == "order.out-of-stock" && orderStream is not null)
        {
            var recorded = (await world.Ledger.EventsAsync(orderStream)).Skip(orderEventsBefore).ToList();
            Assert.True(appended == recorded.Count && recorded.Count <= 1 && recorded.All(e => e is OrderRejected), $"{command} → {error}: {appended} events appended");
            return;
        }

        Assert.True(appended == 0, $"{command} was refused ({error}) yet appended {appended} events");
        Assert.Equal(head, await world.Ledger.Store.ReadHeadPositionAsync());
    }

    /// <summary>A command type and the choices for its arguments, built against the world when the property runs.</summary>
    public sealed record Generated(Type Type, int[] Choices)
    {
        public object Build(World world)
        {
            var choices = new Queue<int>(Choices);
            return Values.Make(Type, world, () => choices.Count > 0 ? choices.Dequeue() : 0, depth: 0, name: "");
        }

        public override string ToString() => $"{Type.Name}[{string.Join(",", Choices)}]";
    }

    public static class Generators
    {
        public static Arbitrary<Generated> Commands() =>
            Arb.From(
                from type in Gen.Elements(CommandTypes.ToArray())
                from choices in Gen.ArrayOf(Gen.Choose(0, 1_000), 40)
                select new Generated(type, choices));
    }

    /// <summary>Argument values by type and parameter name: mostly the world's own ids and plausible values, some hostile.</summary>
    private static class Values
    {
        public static object Make(Type type, World world, Func<int> next, int depth, string name)
        {
            var pick = next();
            if (Nullable.GetUnderlyingType(type) is { } inner)
            {
                return pick % 5 == 0 ? null! : Make(inner, world, next, depth, name);
            }

            if (type == typeof(string))
            {
                return Text(world, name, pick);
            }

            if (type == typeof(int))
            {
                return One(pick, 1, 2, 0, -1, 24, 1000, int.MaxValue);
            }

            if (type == typeof(decimal))
            {
                return One(pick, 50m, 10m, 130m, 0m, -1m, 0.001m, 79_228_162_514_264_337_593_543_950_335m);
            }

            if (type == typeof(bool))
            {
                return pick % 2 == 0;
            }

            if (type == typeof(DateTimeOffset))
            {
                return One(pick, World.Now, World.Now.AddHours(1), World.Now.AddDays(-30), World.Now.AddYears(5), DateTimeOffset.MinValue);
            }

            if (type == typeof(TimeOnly))
            {
                return One(pick, new TimeOnly(8, 0), new TimeOnly(23, 0), TimeOnly.MinValue);
            }

            if (type.IsEnum)
            {
                var defined = Enum.GetValues(type);
                return pick % 10 == 9 ? Enum.ToObject(type, 99) : defined.GetValue(pick % defined.Length)!;
            }

            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
            {
                var element = type.GetGenericArguments()[0];
                var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
                for (var i = 0; i < (depth > 2 ? 0 : pick % 3); i++)
                {
                    list.Add(Make(element, world, next, depth + 1, name));
                }

                return list;
            }

            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
            {
                return null!;
            }

            if (type.IsClass && type.GetConstructors() is [var constructor] && depth < 4)
            {
                return constructor.Invoke([.. constructor.GetParameters().Select(p => Make(p.ParameterType, world, next, depth + 1, p.Name ?? ""))]);
            }

            return type.IsValueType ? Activator.CreateInstance(type)! : null!;
        }

        private static T One<T>(int pick, params T[] values) => values[pick % values.Length];

        /// <param name="name">The parameter's name: positional records name them like their properties (<c>OrderId</c>).</param>
        private static string Text(World world, string name, int pick) => (name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..]) switch
        {
            "orderId" => One(pick, world.PaidOrder, world.UnpaidOrder, world.ShippedOrder, "o-unknown"),
            "storeId" => One(pick, world.StoreId, world.StoreId, "s-unknown"),
            "warehouseId" => One(pick, world.Warehouse, world.Warehouse, "WH-unknown"),
            "sku" => One(pick, world.Tea, world.Mug, "SKU-unknown"),
            "shipmentId" => One(pick, world.PackedShipment, world.PackedShipment, "sh-" + pick),
            "refundId" => One(pick, world.OpenRefund, world.OpenRefund, "r-" + pick),
            "conversationId" => One(pick, world.Conversation, world.Conversation, "cv-" + pick),
            "agentId" => One(pick, "agent-7", "agent-8"),
            "currency" => One(pick, "CNY", "EUR", ""),
            "timeZone" => One(pick, "Asia/Shanghai", "Mars/Olympus", ""),
            "barcode" => One(pick, "BC-" + world.Tea, "BC-" + world.Mug, ""),
            _ => One(pick, "x", "", " ", new string('y', 300), "agent-7"),
        };
    }

    /// <summary>
    /// A store with a warehouse and two SKUs in stock; a paid order, an unpaid one, one whose shipment is packed and
    /// ready to hand over; a return awaiting approval; a conversation with an agent and a customer message waiting.
    /// </summary>
    public sealed class World : IAsyncLifetime
    {
        public static readonly DateTimeOffset Now = T0.AddHours(2);

        private static readonly PostalAddress Shanghai = new("Li Wei", "88 Century Ave", "Shanghai", "200120", "SH", "CN");

        public Ledger Ledger { get; } = new();

        public App App { get; private set; } = null!;

        public string StoreId { get; private set; } = "";

        public string Warehouse { get; } = Id("WH");

        public string Tea { get; } = Id("TEA-");

        public string Mug { get; } = Id("MUG-");

        public string PaidOrder { get; } = Id("o-");

        public string UnpaidOrder { get; } = Id("o-");

        public string ShippedOrder { get; } = Id("o-");

        public string PackedShipment { get; } = Id("sh-");

        public string OpenRefund { get; } = Id("r-");

        public string Conversation { get; } = Id("cv-");

        public async Task InitializeAsync()
        {
            await Ledger.InitializeAsync();
            App = Ledger.App();
            StoreId = await App.StoreAsync((Warehouse, "SH"));
            await App.ReceiveAsync(Warehouse, Tea, 20);
            await App.ReceiveAsync(Warehouse, Mug, 20);
            foreach (var orderId in new[] { PaidOrder, UnpaidOrder, ShippedOrder })
            {
                await RunAsync(new PlaceOrder(orderId, StoreId, "c-1", "web", "CNY", [Line(Tea, 2, 10m), Line(Mug, 1, 30m)], Shanghai, T0.AddDays(1), T0));
            }

            await RunAsync(new ConfirmPayment(PaidOrder, 50m, "CNY", "pay-1", T0.AddMinutes(1)));
            await RunAsync(new ConfirmPayment(ShippedOrder, 50m, "CNY", "pay-2", T0.AddMinutes(1)));
            await RunAsync(new CreateShipment(PackedShipment, ShippedOrder, StoreId, Warehouse, [new(Tea, 2, "BC-" + Tea), new(Mug, 1, "BC-" + Mug)], Shanghai, T0.AddMinutes(2)));
            await RunAsync(new RecordPicked(PackedShipment, "picker-1", T0.AddMinutes(3)));
            await RunAsync(new PackAndVerify(PackedShipment, ["BC-" + Tea, "BC-" + Tea, "BC-" + Mug], 900, "packer-1", T0.AddMinutes(4)));
            await RunAsync(new RequestRefund(OpenRefund, PaidOrder, StoreId, "c-1", RefundKind.ReturnAndRefund, [new RefundLine(Mug, 1, 30m)], "broken", null, T0.AddMinutes(5)));
            await RunAsync(new StartConversation(Conversation, StoreId, "c-1", "chat", PaidOrder, false, [], T0.AddMinutes(5)));
            await RunAsync(new AssignAgent(Conversation, "agent-7", T0.AddMinutes(5)));
            await RunAsync(new ReceiveCustomerMessage(Conversation, "m-1", "where is my parcel?", T0.AddMinutes(6)));
        }

        public Task DisposeAsync() => Ledger.DisposeAsync();

        /// <summary>Every event in the log, counted in the table itself (not through <c>$all</c>, which may hold back the newest).</summary>
        public async Task<long> CountAsync()
        {
            await using var connection = new NpgsqlConnection(Ledger.ConnectionString);
            await connection.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT count(*) FROM eventstore.events", connection);
            return (long)(await count.ExecuteScalarAsync())!;
        }

        private static OrderLine Line(string sku, int quantity, decimal price) => new(sku, quantity, price, "grocery", "BC-" + sku);

        private async Task RunAsync(object command) =>
            Assert.Null((await App.Commands.ExecuteAsync(command, Ctx(((IDomainCommand)command).OccurredAt))).Error);
    }
}
