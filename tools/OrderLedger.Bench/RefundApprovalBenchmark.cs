using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
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
    private readonly Process _api;
    private readonly HttpClient _client;
    private readonly string _storeId = "refunds" + Guid.NewGuid().ToString("N")[..6];
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private int _orders;

    private RefundApprovalBenchmark(ServiceProvider services, Process api, HttpClient client)
    {
        _services = services;
        _commands = services.GetRequiredService<CommandService>();
        _api = api;
        _client = client;
    }

    /// <summary>Starts the API host on <paramref name="connectionString"/> and registers the store with its return address.</summary>
    public static async Task<RefundApprovalBenchmark> StartAsync(string connectionString)
    {
        var services = new ServiceCollection()
            .AddPostgresEventStore(new PostgresEventStoreOptions { ConnectionString = connectionString })
            .AddOrderLedgerApplication()
            .BuildServiceProvider();
        var signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        var url = $"http://127.0.0.1:{FreePort()}";
        var api = StartApi(connectionString, signingKey, url);
        var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
        var token = new AccessTokens(signingKey).Issue("bench-approver", [Roles.Admin], [AccessTokens.AllStores], TimeSpan.FromHours(2), DateTimeOffset.UtcNow);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var bench = new RefundApprovalBenchmark(services, api, client);
        await bench.WaitUntilLiveAsync(TimeSpan.FromMinutes(2));
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
        var response = await _client.PostAsJsonAsync($"/api/stores/{_storeId}/refunds/approvals", new { refundIds });
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
            var response = await _client.PostAsJsonAsync($"/api/refunds/{refundId}/approval", new { });
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

    private async Task WaitUntilLiveAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_api.HasExited)
            {
                throw new InvalidOperationException($"The API host stopped before it listened (exit {_api.ExitCode}).");
            }

            try
            {
                if ((await _client.GetAsync("/health/live")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The API host did not answer /health/live within {timeout.TotalSeconds:F0} s.");
    }

    /// <summary>
    /// The API host as built in its own project (<c>src/OrderLedger.Api/bin/{configuration}/net10.0</c>, found upwards from
    /// the benchmark, or <c>ORDERLEDGER_BENCH_API</c>): tools/bench.sh builds it, as does a build of the solution.
    /// </summary>
    private static Process StartApi(string connectionString, string signingKey, string url)
    {
        var dll = Environment.GetEnvironmentVariable("ORDERLEDGER_BENCH_API") ?? FindApiDll()
            ?? throw new InvalidOperationException("The API host is not built: dotnet build src/OrderLedger.Api -c Release (tools/bench.sh does), or set ORDERLEDGER_BENCH_API.");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", url])
        {
            // The project folder is the host's content root (its wwwroot), as tools/run.sh starts it.
            WorkingDirectory = ProjectFolderOf(dll),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ConnectionStrings__Postgres"] = connectionString;
        start.Environment["ConnectionStrings__" + EventStoreConfiguration.OwnerConnectionName] = connectionString;
        start.Environment["Auth__SigningKey"] = signingKey;
        start.Environment["Projections__Run"] = "false";
        // The single approvals are 1,000 commands in well under a minute: the default per-minute limit would refuse them.
        start.Environment["Limits__CommandsPerMinute"] = "1000000";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["DOTNET_gcServer"] = "0";
        return ProjectorProcess.StartForwarding(start, "API host");
    }

    /// <summary><c>src/OrderLedger.Api</c> for <c>src/OrderLedger.Api/bin/Release/net10.0/OrderLedger.Api.dll</c>; else the dll's folder.</summary>
    private static string ProjectFolderOf(string dll)
    {
        var output = Path.GetDirectoryName(Path.GetFullPath(dll))!;
        var project = Path.GetFullPath(Path.Combine(output, "..", "..", ".."));
        return Directory.Exists(Path.Combine(project, "wwwroot")) ? project : output;
    }

    private static string? FindApiDll()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Release";
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var dll = Path.Combine(directory.FullName, "src", "OrderLedger.Api", "bin", configuration, "net10.0", "OrderLedger.Api.dll");
            if (File.Exists(dll))
            {
                return dll;
            }
        }

        return null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        if (!_api.HasExited)
        {
            _api.Kill(entireProcessTree: true);
            await _api.WaitForExitAsync();
        }

        _api.Dispose();
        await _services.DisposeAsync();
    }
}
