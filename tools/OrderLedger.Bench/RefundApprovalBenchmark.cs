using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrderLedger.Application;
using OrderLedger.Domain;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Stores;
using OrderLedger.EventStore.Postgres;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Hosting;

namespace OrderLedger.Bench;

/// <summary>
/// Issue 15's bulk approval: approving refunds in one <c>POST /api/stores/{id}/refunds/approvals</c> against the same
/// number approved one request each (<c>POST /api/refunds/{id}/approval</c>), both through the API host run as a child
/// process on the bench database (projections off, so the command path is measured alone). Every refund is a
/// return-and-refund waiting for an agent, two per paid order, written beforehand through the command handlers.
/// </summary>
public sealed class RefundApprovalBenchmark : IAsyncDisposable
{
    private const int RefundsPerOrder = 2;
    private const int SeedWriters = 8;

    private readonly ServiceProvider _services;
    private readonly CommandService _commands;
    private readonly ApiHostProcess _api;
    private readonly string _storeId = "refunds" + Guid.NewGuid().ToString("N")[..6];
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private int _orders;

    private RefundApprovalBenchmark(ServiceProvider services, ApiHostProcess api)
    {
        _services = services;
        _commands = services.GetRequiredService<CommandService>();
        _api = api;
    }

    private HttpClient Client => _api.Client;

    /// <summary>Starts the API host on <paramref name="connectionString"/> and registers the store with its return address.</summary>
    public static async Task<RefundApprovalBenchmark> StartAsync(string connectionString)
    {
        var services = new ServiceCollection()
            .AddPostgresEventStore(new PostgresEventStoreOptions { ConnectionString = connectionString })
            .AddOrderLedgerApplication()
            .BuildServiceProvider();
        // Projections off: the command path is measured alone.
        var api = await ApiHostProcess.StartAsync(connectionString, new Dictionary<string, string> { ["Projections__Run"] = "false" });
        var bench = new RefundApprovalBenchmark(services, api);
        await bench.SetUpStoreAsync();
        return bench;
    }

    /// <summary>Writes <paramref name="count"/> refunds waiting for approval (not timed); their ids.</summary>
    public async Task<IReadOnlyList<string>> PendingRefundsAsync(int count)
    {
        var orderCount = (count + RefundsPerOrder - 1) / RefundsPerOrder;
        var first = Interlocked.Add(ref _orders, orderCount) - orderCount;
        var orders = Enumerable.Range(first, orderCount).Select(n => $"{_storeId}-o{n}").ToList();
        var refunds = new List<string>[SeedWriters];
        await Task.WhenAll(Enumerable.Range(0, SeedWriters).Select(writer => Task.Run(async () =>
        {
            refunds[writer] = [];
            for (var i = writer; i < orders.Count; i += SeedWriters)
            {
                refunds[writer].AddRange(await PaidOrderWithRefundsAsync(orders[i], SkuOf(writer)));
            }
        })));
        return [.. refunds.SelectMany(r => r).Order(StringComparer.Ordinal).Take(count)];
    }

    /// <summary>Milliseconds for one bulk request approving <paramref name="refundIds"/>; every one must be accepted.</summary>
    public async Task<double> BulkAsync(IReadOnlyList<string> refundIds)
    {
        var clock = Stopwatch.StartNew();
        var response = await Client.PostAsJsonAsync($"/api/stores/{_storeId}/refunds/approvals", new { refundIds });
        var answer = await response.Content.ReadAsStringAsync();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"bulk approval: {(int)response.StatusCode} {answer}");
        }

        var accepted = JsonDocument.Parse(answer).RootElement.GetProperty("accepted").GetInt32();
        return accepted == refundIds.Count
            ? elapsed
            : throw new InvalidOperationException($"bulk approval accepted {accepted} of {refundIds.Count}: {answer[..Math.Min(answer.Length, 500)]}");
    }

    /// <summary>Milliseconds for approving <paramref name="refundIds"/> one request each, one after the other.</summary>
    public async Task<double> OneByOneAsync(IReadOnlyList<string> refundIds)
    {
        var clock = Stopwatch.StartNew();
        foreach (var refundId in refundIds)
        {
            var response = await Client.PostAsJsonAsync($"/api/refunds/{refundId}/approval", new { });
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"approval of {refundId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        return clock.Elapsed.TotalMilliseconds;
    }

    private async Task SetUpStoreAsync()
    {
        var returns = new PostalAddress("Returns desk", "1 Depot Rd", "Suzhou", "215000", "JS", "CN");
        await RunAsync(new RegisterStore(_storeId, "Refund bench", "Asia/Shanghai", "CNY", _now), "store");
        await RunAsync(new SetWarehouses(_storeId, [new WarehouseRegions(Warehouse, ["SH"])], _now), "warehouses");
        await RunAsync(new SetReturnAddress(_storeId, ReturnAddressScope.Default, null, returns, _now), "return-address");
        for (var writer = 0; writer < SeedWriters; writer++)
        {
            await RunAsync(new ReceiveStock(Warehouse, SkuOf(writer), 1_000_000, _now), "stock-" + SkuOf(writer));
        }
    }

    /// <summary>Each seeding writer reserves its own SKU, so no two of them race for one stock stream.</summary>
    private static string SkuOf(int writer) => $"SKU-R{writer}";

    private string Warehouse => "wh-" + _storeId;

    private async Task<IEnumerable<string>> PaidOrderWithRefundsAsync(string orderId, string sku)
    {
        var address = new PostalAddress("Li Wei", "88 Century Ave", "Shanghai", "200120", "SH", "CN");
        await RunAsync(new PlaceOrder(orderId, _storeId, "c-" + orderId, "web", "CNY", [new OrderLine(sku, RefundsPerOrder, 10m)], address, _now.AddHours(1), _now), "place-" + orderId);
        await RunAsync(new ConfirmPayment(orderId, 10m * RefundsPerOrder, "CNY", "pay-" + orderId, _now), "pay-" + orderId);
        var refundIds = Enumerable.Range(0, RefundsPerOrder).Select(n => $"{orderId}-r{n}").ToList();
        foreach (var refundId in refundIds)
        {
            await RunAsync(new RequestRefund(refundId, orderId, _storeId, "c-" + orderId, RefundKind.ReturnAndRefund, [new RefundLine(sku, 1, 10m)], "changed mind", null, _now), "request-" + refundId);
        }

        return refundIds;
    }

    private async Task RunAsync(IDomainCommand command, string id)
    {
        var outcome = await _commands.ExecuteAsync(command, new CommandContext($"{_storeId}-{id}", Actor.System("bench"), _now, _storeId));
        if (outcome.Error is { } error)
        {
            throw new InvalidOperationException($"refund approval setup, {command.GetType().Name}: {error}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _api.DisposeAsync();
        await _services.DisposeAsync();
    }
}
