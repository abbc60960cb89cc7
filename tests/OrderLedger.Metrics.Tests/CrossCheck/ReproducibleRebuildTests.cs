using Npgsql;
using OrderLedger.Application.CommandHandling;
using OrderLedger.Domain;
using OrderLedger.Domain.Alerts;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Stores;
using OrderLedger.Domain.WorkOrders;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Metrics.Tests.Support;
using OrderLedger.Projections;
using OrderLedger.Reactors;
using OrderLedger.ReadModels;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Metrics.Tests.CrossCheck;

/// <summary>
/// Issue 13: two clean rebuilds give byte-identical tables. Every read model the product runs (found by reflection in
/// the read-model, metric and reactor assemblies) is built from the same log at once, event by event and in batches of
/// 7; a digest of each table (every column, rows in primary-key order) must not change. Business times come from the
/// command handlers with sub-microsecond ticks, as a client's or the server's clock gives them: a timestamptz keeps
/// microseconds, so a row folded in memory and one read back must compute the same durations.
/// </summary>
public sealed class ReproducibleRebuildTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly DateTimeOffset Start = new(2026, 10, 5, 9, 0, 0, TimeSpan.Zero);

    /// <summary>One log per test database, written once for all the read models.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task<IReadOnlyList<DecodedEvent>>> Logs = new();

    public static TheoryData<string> ReadModels => [.. AllProjections().Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(ReadModels))]
    public async Task A_read_model_rebuilt_with_other_batch_sizes_has_byte_identical_tables(string name)
    {
        var projection = AllProjections().Single(p => p.Name == name);
        var events = await Logs.GetOrAdd(db.Name, _ => LogAsync());

        var atOnce = await DigestsAsync(projection, await Projector.BuildAndPublishAsync(db.DataSource, projection, events));
        var oneByOne = await DigestsAsync(projection, await Projector.BuildAndPublishAsync(db.DataSource, projection, events, batchSize: 1));
        var inSevens = await DigestsAsync(projection, await Projector.BuildAndPublishAsync(db.DataSource, projection, events, batchSize: 7));

        Assert.Contains(atOnce, d => d.Rows > 0);
        Assert.Equal(atOnce, oneByOne);
        Assert.Equal(atOnce, inSevens);
    }

    private static IReadOnlyList<IProjection> AllProjections() =>
        [.. new[] { typeof(OrdersProjection).Assembly, typeof(ServiceMetricsProjection).Assembly, typeof(ReactorTimersProjection).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IProjection).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (IProjection)Activator.CreateInstance(t)!)];

    private sealed record TableDigest(string Table, long Rows, string Md5);

    private async Task<List<TableDigest>> DigestsAsync(IProjection projection, string schema)
    {
        var digests = new List<TableDigest>();
        await using var connection = await db.DataSource.OpenConnectionAsync();
        foreach (var table in projection.Tables)
        {
            await using var keyQuery = new NpgsqlCommand(
                """
                SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY array_position(i.indkey::int2[], a.attnum))
                FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                WHERE i.indrelid = to_regclass($1) AND i.indisprimary
                """,
                connection);
            keyQuery.Parameters.AddWithValue($"{schema}.{table}");
            var key = await keyQuery.ExecuteScalarAsync() as string;
            await using var digest = new NpgsqlCommand(
                $"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY {key ?? "t::text"}, t::text), '')) FROM {schema}.{table} t", connection);
            await using var reader = await digest.ExecuteReaderAsync();
            await reader.ReadAsync();
            digests.Add(new TableDigest(table, reader.GetInt64(0), reader.GetString(1)));
        }

        return digests;
    }

    /// <summary>A small shop's week through the command handlers, at times with odd ticks; the decoded log afterwards.</summary>
    private async Task<IReadOnlyList<DecodedEvent>> LogAsync()
    {
        await using var ledger = await MetricsLedger.OpenAsync(db);
        var tick = 0L;
        DateTimeOffset Next() => Start.AddTicks(12_345_679 * ++tick + 3);
        Task<CommandOutcome> Run(IDomainCommand command) => ledger.RunAsync(command);

        var storeId = "S-" + Guid.NewGuid().ToString("N")[..6];
        var (warehouse, tea, mug) = ("WH-" + storeId, "TEA-" + storeId, "MUG-" + storeId);
        var address = new PostalAddress("Li Wei", "88 Century Ave", "Shanghai", "200120", "SH", "CN");
        await Run(new RegisterStore(storeId, "Tea House", "Asia/Shanghai", "CNY", Next()));
        await Run(new SetWarehouses(storeId, [new WarehouseRegions(warehouse, ["SH"])], Next()));
        await Run(new SetAutoRefundWindow(storeId, 48, Next()));
        await Run(new SetReturnAddress(storeId, ReturnAddressScope.Default, null, address, Next()));
        await Run(new ReceiveStock(warehouse, tea, 100, Next()));
        await Run(new ReceiveStock(warehouse, mug, 100, Next()));
        await Run(new SetDepartment(storeId, "logistics", "lee", "wang", Next()));
        for (var i = 0; i < 6; i++)
        {
            var (orderId, customer) = ($"O{i}-{storeId}", $"C{i % 3}");
            var placedAt = Next();
            await Run(new PlaceOrder(orderId, storeId, customer, "web", "CNY",
                [new OrderLine(tea, 2, 10m, "grocery", "BC-T"), new OrderLine(mug, 1, 30m, "kitchen", "BC-M")], address, placedAt.AddHours(1), placedAt,
                Attribution: i % 3 == 0 ? null : new OrderAttribution("sharer-" + (i % 2), "ordinary", i % 2 == 0 ? "sph-1" : null)));
            await Run(new ConfirmPayment(orderId, 50m, "CNY", "pay-" + i, Next()));
            var shipmentId = "SH-" + orderId;
            await Run(new CreateShipment(shipmentId, orderId, storeId, warehouse, [new ShipmentLine(tea, 2, "BC-T"), new ShipmentLine(mug, 1, "BC-M")], address, Next()));
            await Run(new RecordPicked(shipmentId, "picker", Next()));
            await Run(new PackAndVerify(shipmentId, ["BC-T", "BC-T", "BC-M"], 800, "packer", Next()));
            await Run(new HandOverToCarrier(shipmentId, "SF Express", "TN" + i, Next()));
            await Run(new RecordTrackingScan(shipmentId, "Shanghai hub", "in transit", Next()));
            await Run(new MarkDelivered(shipmentId, Next()));

            var refundId = "R-" + orderId;
            var kind = i % 2 == 0 ? RefundKind.RefundOnly : RefundKind.ReturnAndRefund;
            var requested = await Run(new RequestRefund(refundId, orderId, storeId, customer, kind, [new RefundLine(mug, 1, 30m)], "broken", null, Next()));
            if (!requested.Events.OfType<RefundApproved>().Any())
            {
                await Run(new ApproveRefund(refundId, "agent-1", null, null, Next()));
            }

            if (kind == RefundKind.ReturnAndRefund)
            {
                await Run(new RecordReturnShipped(refundId, "SF Express", "RT" + i, Next()));
                await Run(new ReceiveReturn(refundId, "RT" + i, Next()));
                await Run(new InspectReturn(refundId, true, "inspector", "fine", Next()));
            }

            await Run(new PayRefund(refundId, "rp-" + i, Next()));

            var conversationId = "CV-" + orderId;
            await Run(new StartConversation(conversationId, storeId, customer, "chat", orderId, i % 2 == 0, [], Next()));
            await Run(new ReceiveCustomerMessage(conversationId, "m1", "where is it?", Next()));
            if (i % 2 == 0)
            {
                await Run(new SendBotReply(conversationId, "m2", "checking", Next()));
                await Run(new HandOffToHuman(conversationId, "asked for a human", Next()));
            }

            await Run(new AssignAgent(conversationId, "agent-" + (i % 2), Next()));
            await Run(new SendAgentReply(conversationId, "agent-" + (i % 2), "m3", "on its way", Next()));

            // Work orders: planned, resolved and closed back; resolved and reopened; escalated at the first-plan deadline.
            var ticketId = "T-" + orderId;
            var openedAt = Next();
            await Run(new OpenWorkOrder(ticketId, conversationId, "logistics", "Trace the parcel", "agent-1", openedAt));
            switch (i % 3)
            {
                case 0:
                    await Run(new SubmitWorkOrderPlan(ticketId, "lee", "Ask the carrier", Next()));
                    await Run(new ResolveWorkOrder(ticketId, "lee", "Found it", Next()));
                    await Run(new CloseWorkOrder(ticketId, "agent-1", Next()));
                    break;
                case 1:
                    await Run(new ResolveWorkOrder(ticketId, "lee", "Re-sent", Next()));
                    await Run(new ReopenWorkOrder(ticketId, "agent-1", "Wrong colour", Next()));
                    break;
                default:
                    await Run(new EscalateWorkOrder(ticketId, openedAt.AddHours(WorkOrderDecider.FirstPlanHours)));
                    break;
            }

            await Run(new ResolveConversation(conversationId, "agent", Next()));
            await Run(new RateSatisfaction(conversationId, i % 3 == 0 ? SatisfactionRating.Satisfied : SatisfactionRating.Neutral, Next()));
            await Run(new SendNpsSurvey(conversationId, Next()));
            await Run(new AnswerNps(conversationId, i + 4, Next()));
        }

        // Parcels amended, intercepted, refused and restocked: the orders read model finds a restock's order through order_links.
        await AfterSalesShop.RunAsync(Run, Next);

        // Alert episodes as the alerts reactor records them: raised, recovered, raised again, one still open.
        await Run(new RaiseAlert(storeId, "queue-wait", AlertsDecider.StoreSubject, "1 conversation waits past 180 s", 1, 0, Next()));
        await Run(new RaiseAlert(storeId, "stuck-parcels", AlertsDecider.StoreSubject, "3 parcels without a scan for 48 h", 3, 0, Next()));
        await Run(new RecoverAlert(storeId, "queue-wait", AlertsDecider.StoreSubject, "nobody waits past 180 s", Next()));
        await Run(new RaiseAlert(storeId, "queue-wait", AlertsDecider.StoreSubject, "2 conversations wait past 180 s", 2, 0, Next()));
        return await ledger.ReadAsync();
    }
}
