using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Postgres;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Hosting;

namespace OrderLedger.Bench;

/// <summary>
/// Issue 20's Double-11 hour (<c>--only peak</c>): the API host (projections off) and the standalone projector run as
/// child processes on a fresh database; <see cref="SeedAsync"/> opens conversations waiting for a human (through the HTTP
/// API, or decided and appended in batches; N in the busy store's queue, a twentieth as many in each other store), then
/// <see cref="SustainAsync"/> drives a mix of customer-service and order traffic through the HTTP API from many
/// closed-loop clients while it samples command latency, projection lag, the busy store's dashboard and queue, and CPU.
/// </summary>
public sealed class PeakBenchmark : IAsyncDisposable
{
    public const double GoalCommandsPerSecond = 2_500;
    public const int AgentsPerStore = 16;
    private const int SkusPerStore = 32;
    private const int SeedClients = 32;
    private const int LagProbes = 4;
    private const decimal UnitPrice = 59m;
    private static readonly string[] Stores = ["d11-s1", "d11-s2", "d11-s3", "d11-s4"];

    private readonly ApiHostProcess _api;
    private readonly ProjectorProcess _projector;
    private readonly string _connectionString;
    private readonly string _ingestToken;
    private readonly Dictionary<string, string[]> _agentTokens;
    private readonly List<SeededConversation> _seeded = [];
    private readonly Latencies _commands = new();
    private long _errors;
    private string? _firstError;

    private PeakBenchmark(ApiHostProcess api, ProjectorProcess projector, string connectionString)
    {
        _api = api;
        _projector = projector;
        _connectionString = connectionString;
        // Customers' side (messages, the bot, orders) comes in as a connector would send it; agents sign in per store.
        _ingestToken = api.TokenFor("d11-channel", Roles.Ingest, [AccessTokens.AllStores]);
        _agentTokens = Stores.ToDictionary(s => s, s => Enumerable.Range(0, AgentsPerStore).Select(a => api.TokenFor(AgentOf(s, a), Roles.Agent, [s])).ToArray());
    }

    private static string Busy => Stores[0];

    private static string AgentOf(string storeId, int agent) => $"{storeId}-agent{agent}";

    /// <summary>
    /// Per-role limits far above what one machine can send: the figure is the machine's, not a rate limiter's. The channel
    /// (ingest) sends every customer's traffic under one token; each agent token sends one agent's replies.
    /// </summary>
    public static IReadOnlyDictionary<string, string> RateLimitSettings { get; } = new Dictionary<string, string>
    {
        [$"Limits__CommandsPerMinuteByRole__{Roles.Ingest}"] = "10000000",
        [$"Limits__CommandsPerMinuteByRole__{Roles.Agent}"] = "1000000",
        [$"Limits__CommandsPerMinuteByRole__{Roles.Admin}"] = "1000000",
    };

    /// <summary>Starts both processes, registers the stores with their warehouse and stock, and waits for the read models.</summary>
    public static async Task<PeakBenchmark> StartAsync(string connectionString)
    {
        var settings = new Dictionary<string, string>(RateLimitSettings) { ["Projections__Run"] = "false" };
        var api = await ApiHostProcess.StartAsync(connectionString, settings);
        var projector = ProjectorProcess.Start(connectionString);
        var bench = new PeakBenchmark(api, projector, connectionString);
        await bench.SetUpStoresAsync();
        return bench;
    }

    public IReadOnlyDictionary<string, int> Processes => new Dictionary<string, int> { ["API host"] = _api.ProcessId, ["projector"] = _projector.ProcessId };

    private async Task SetUpStoresAsync()
    {
        foreach (var store in Stores)
        {
            await SetUpAsync($"/api/stores/{store}", new { name = $"Double 11 {store}", timeZone = "Asia/Shanghai", currency = "CNY" });
            await SetUpAsync($"/api/stores/{store}/policies/warehouses", new { warehouses = new[] { new { warehouseId = WarehouseOf(store), regions = new[] { "SH" } } } });
            for (var sku = 0; sku < SkusPerStore; sku++)
            {
                await SetUpAsync($"/api/stock/{WarehouseOf(store)}/{SkuOf(store, sku)}/receipts", new { storeId = store, quantity = 1_000_000 });
            }
        }

        // The external projector builds the read models the queue, the dashboard and some commands read: wait for them.
        var clock = Stopwatch.StartNew();
        foreach (var path in new[] { QueuePath, DashboardPath })
        {
            while (true)
            {
                using var response = await _api.Client.GetAsync(path);
                if (response.IsSuccessStatusCode)
                {
                    break;
                }

                if (clock.Elapsed > TimeSpan.FromMinutes(3))
                {
                    throw new TimeoutException($"peak: {path} still answers {(int)response.StatusCode} after 3 min: {await response.Content.ReadAsStringAsync()}");
                }

                await Task.Delay(200);
            }
        }
    }

    private async Task SetUpAsync(string path, object body)
    {
        using var response = await _api.Client.PostAsJsonAsync(path, body);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"peak setup {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static string WarehouseOf(string store) => $"wh-{store}";

    private static string SkuOf(string store, int sku) => $"{store}-SKU{sku:D2}";

    private static string QueuePath => $"/api/stores/{Busy}/conversations/queue";

    private static string DashboardPath => $"/api/stores/{Busy}/metrics/dashboard";

    /// <summary>
    /// Opens <paramref name="conversations"/> conversations in the busy store and a twentieth as many in each other
    /// store, each started in human mode and given a customer message (so waiting in its store's queue), then waits until
    /// the read model shows all of them. Seconds spent sending, seconds until visible, and the commands sent (or, with
    /// <paramref name="bulk"/>, decided and appended in batches).
    /// </summary>
    public async Task<(double SendSeconds, double VisibleSeconds, int Commands)> SeedAsync(int conversations, bool bulk)
    {
        foreach (var store in Stores)
        {
            var count = store == Busy ? conversations : Math.Max(1, conversations / 20);
            _seeded.AddRange(Enumerable.Range(0, count).Select(i => new SeededConversation($"{store}-q{i}", store, i % AgentsPerStore)));
        }

        var clock = Stopwatch.StartNew();
        if (bulk)
        {
            await SeedInBatchesAsync();
        }
        else
        {
            await SeedThroughApiAsync();
        }

        var sent = clock.Elapsed.TotalSeconds;
        var expected = conversations;
        while (await WaitingInBusyQueueAsync() < expected)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(20))
            {
                throw new TimeoutException($"peak seeding: the queue of {Busy} holds {await WaitingInBusyQueueAsync()} of {expected} after 20 min");
            }

            await Task.Delay(200);
        }

        return (sent, clock.Elapsed.TotalSeconds, _seeded.Count * 2);
    }

    private async Task SeedThroughApiAsync()
    {
        var next = -1;
        var failure = (string?)null;
        await Task.WhenAll(Enumerable.Range(0, SeedClients).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < _seeded.Count && failure is null; i = Interlocked.Increment(ref next))
            {
                var c = _seeded[i];
                failure = await SeedOneAsync($"/api/conversations/{c.Id}", new { storeId = c.StoreId, customerId = CustomerOf(c), channel = "web", botEnabled = false })
                    ?? await SeedOneAsync($"/api/conversations/{c.Id}/messages", new { text = SeedMessage });
            }
        })));
        if (failure is not null)
        {
            throw new InvalidOperationException($"peak seeding: {failure}");
        }
    }

    private const string SeedMessage = "Where is my Double 11 order?";

    private static string CustomerOf(SeededConversation c) => $"cust-{c.Id}";

    /// <summary>
    /// The same two commands per conversation decided by the conversation decider (pure, as the command handler runs it),
    /// their events hash-chained and appended about 100 a transaction through the store's batched path
    /// (<see cref="IEventStore.AppendBatchAsync"/>), by <see cref="SeedClients"/> writers: when seeding through HTTP would
    /// not fit the time, as on a machine shared with other work.
    /// </summary>
    private async Task SeedInBatchesAsync()
    {
        var codec = new EventCodec(DomainEventTypes.CreateRegistry());
        await using var services = new ServiceCollection()
            .AddPostgresEventStore(new PostgresEventStoreOptions { ConnectionString = _connectionString })
            .BuildServiceProvider();
        var store = services.GetRequiredService<IEventStore>();
        var now = DateTimeOffset.UtcNow;
        var actor = Actor.System("d11-channel");
        const int conversationsPerBatch = 50; // two events each
        var batches = _seeded.Chunk(conversationsPerBatch).ToArray();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, SeedClients).Select(_ => Task.Run(async () =>
        {
            for (var b = Interlocked.Increment(ref next); b < batches.Length; b = Interlocked.Increment(ref next))
            {
                var appends = batches[b].Select(c =>
                {
                    var stream = StreamIds.Conversation(c.Id);
                    var commands = new (string Suffix, ConversationCommand Command)[]
                    {
                        ("start", new StartConversation(c.Id, c.StoreId, CustomerOf(c), "web", null, false, [], now)),
                        ("message", new ReceiveCustomerMessage(c.Id, "seed", SeedMessage, now)),
                    };
                    var state = ConversationDecider.Decider.Initial;
                    var tip = new ChainTip(stream, null, null);
                    var encoded = new List<EventData>();
                    foreach (var (suffix, command) in commands)
                    {
                        var decision = ConversationDecider.Decider.Decide(command, state);
                        if (decision.Error is { } error)
                        {
                            throw new InvalidOperationException($"peak seeding, {c.Id}: {error}");
                        }

                        var data = codec.Encode([.. decision.Events], new CommandContext($"seed/{c.Id}/{suffix}", actor, now, c.StoreId), tip);
                        encoded.AddRange(data);
                        state = decision.Events.Aggregate(state, ConversationDecider.Decider.Evolve);
                        tip = new ChainTip(stream, tip.NextRevision + (ulong)data.Count - 1, EventCodec.DecodeMetadata(data[^1].Metadata)?.Hash);
                    }

                    return new StreamAppend(stream, ExpectedRevision.NoStream, encoded);
                }).ToList();
                await store.AppendBatchAsync(appends);
            }
        })));
    }

    private async Task<string?> SeedOneAsync(string path, object body)
    {
        using var response = await _api.Anonymous.SendAsync(Post(path, body, _ingestToken));
        return response.IsSuccessStatusCode ? null : $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }

    /// <summary>Open conversations waiting for a human in the busy store, as its queue reads them (read model <c>conversations</c>).</summary>
    public async Task<long> WaitingInBusyQueueAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand(
            "SELECT count(*) FROM rm.conversations WHERE store_id = $1 AND waiting_since IS NOT NULL AND status = 'open' AND mode = 'human'", connection);
        count.Parameters.AddWithValue(Busy);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// <paramref name="clients"/> closed-loop clients send the mix for <paramref name="duration"/>, each script's next
    /// command only after the previous one's answer; meanwhile the lag probes, the dashboard and the queue are sampled.
    /// </summary>
    public async Task<PeakResult> SustainAsync(TimeSpan duration, int clients)
    {
        var probes = await StartLagProbesAsync();
        var queueBefore = await WaitingInBusyQueueAsync();
        var dashboard = new Latencies();
        var queue = new Latencies();
        var lag = new Latencies();
        var assigned = new bool[_seeded.Count];
        await using var cpu = new CpuSampler(_connectionString, Processes);
        var clock = Stopwatch.StartNew();
        var deadline = duration;
        var load = Enumerable.Range(0, clients).Select(client => Task.Run(() => ClientAsync(client, clients, assigned, clock, deadline))).ToList();
        var reads = new[]
        {
            Task.Run(() => ReadLoopAsync(DashboardPath, dashboard, clock, deadline)),
            Task.Run(() => ReadLoopAsync(QueuePath, queue, clock, deadline)),
            Task.Run(() => LagLoopAsync(probes, lag, clock, deadline)),
        };
        await Task.WhenAll(load);
        var seconds = clock.Elapsed.TotalSeconds;
        await Task.WhenAll(reads);
        var shares = await cpu.StopAsync();
        return new PeakResult(_commands.Count, seconds, _commands, lag, dashboard, queue, Interlocked.Read(ref _errors), _firstError, shares, queueBefore, await WaitingInBusyQueueAsync());
    }

    private async Task ClientAsync(int client, int clients, bool[] assigned, Stopwatch clock, TimeSpan deadline)
    {
        var random = new Random(client);
        var mine = Enumerable.Range(0, _seeded.Count).Where(i => i % clients == client).ToArray();
        var turn = 0;
        for (var n = 0; clock.Elapsed < deadline; n++)
        {
            // Half of the new traffic goes to the busy store, the rest to the other three.
            var store = random.Next(2) == 0 ? Busy : Stores[1 + random.Next(Stores.Length - 1)];
            var script = random.Next(100);
            var ok = script switch
            {
                < 40 when mine.Length > 0 => await ServeWaitingAsync(mine[turn++ % mine.Length], assigned, clock, deadline),
                < 75 => await BotConversationAsync($"{store}-n{client}-{n}", store, random, clock, deadline),
                _ => await OrderAsync($"{store}-o{client}-{n}", store, random, clock, deadline),
            };
            if (!ok && clock.Elapsed < deadline)
            {
                await Task.Delay(100); // a refused command ended the script; the error is counted
            }
        }
    }

    /// <summary>An agent takes a conversation waiting in the queue (the first time), answers it, and the customer writes back.</summary>
    private async Task<bool> ServeWaitingAsync(int index, bool[] assigned, Stopwatch clock, TimeSpan deadline)
    {
        var c = _seeded[index];
        var agent = _agentTokens[c.StoreId][c.Agent];
        if (!assigned[index])
        {
            if (!await CommandAsync($"/api/conversations/{c.Id}/assignment", new { }, agent, clock, deadline))
            {
                return false;
            }

            assigned[index] = true;
        }

        return await CommandAsync($"/api/conversations/{c.Id}/agent-replies", new { text = "Your parcel leaves the warehouse tonight." }, agent, clock, deadline)
            && await CommandAsync($"/api/conversations/{c.Id}/messages", new { text = "Thanks, and can I still change the size?" }, _ingestToken, clock, deadline);
    }

    /// <summary>A new conversation with the bot: a third settled by the bot, the rest handed off, answered and resolved by an agent.</summary>
    private async Task<bool> BotConversationAsync(string id, string store, Random random, Stopwatch clock, TimeSpan deadline)
    {
        var path = $"/api/conversations/{id}";
        var agent = _agentTokens[store][random.Next(AgentsPerStore)];
        if (!(await CommandAsync(path, new { storeId = store, customerId = $"cust-{id}", channel = "web", botEnabled = true }, _ingestToken, clock, deadline)
            && await CommandAsync($"{path}/messages", new { text = "Is the coupon valid on pre-orders?" }, _ingestToken, clock, deadline)
            && await CommandAsync($"{path}/bot-replies", new { text = "Coupons apply to pre-orders paid before midnight." }, _ingestToken, clock, deadline)))
        {
            return false;
        }

        if (random.Next(3) == 0)
        {
            return await CommandAsync($"{path}/resolution", new { resolvedBy = "bot" }, _ingestToken, clock, deadline);
        }

        return await CommandAsync($"{path}/messages", new { text = "That does not answer it, a person please." }, _ingestToken, clock, deadline)
            && await CommandAsync($"{path}/handoff", new { reason = "customer-asked" }, _ingestToken, clock, deadline)
            && await CommandAsync($"{path}/assignment", new { }, agent, clock, deadline)
            && await CommandAsync($"{path}/agent-replies", new { text = "Yes, the coupon applies; I have added it." }, agent, clock, deadline)
            && await CommandAsync($"{path}/resolution", new { }, agent, clock, deadline);
    }

    /// <summary>An order placed and paid; one in five then asks for its money back (refund only, the whole order).</summary>
    private async Task<bool> OrderAsync(string orderId, string store, Random random, Stopwatch clock, TimeSpan deadline)
    {
        var sku = SkuOf(store, random.Next(SkusPerStore));
        var quantity = 1 + random.Next(2);
        var customer = $"cust-{orderId}";
        var address = new { name = "Li Wei", line1 = "88 Century Ave", city = "Shanghai", postalCode = "200120", region = "SH", country = "CN" };
        var placed = await CommandAsync($"/api/orders/{orderId}", new
        {
            storeId = store, customerId = customer, channel = "web", currency = "CNY",
            lines = new[] { new { sku, quantity, unitPrice = UnitPrice } }, shippingAddress = address,
        }, _ingestToken, clock, deadline);
        if (!placed || !await CommandAsync($"/api/orders/{orderId}/payments", new { amount = UnitPrice * quantity, currency = "CNY", paymentReference = $"pay-{orderId}" }, _ingestToken, clock, deadline))
        {
            return false;
        }

        return random.Next(5) != 0 || await CommandAsync($"/api/refunds/{orderId}-r", new
        {
            orderId, storeId = store, customerId = customer, kind = "RefundOnly",
            lines = new[] { new { sku, quantity, amount = UnitPrice * quantity } }, reason = "bought twice",
        }, _ingestToken, clock, deadline);
    }

    /// <summary>One timed command; false (nothing sent) once the run is over, false (an error counted) for any non-2xx answer.</summary>
    private async Task<bool> CommandAsync(string path, object body, string token, Stopwatch clock, TimeSpan deadline)
    {
        if (clock.Elapsed >= deadline)
        {
            return false;
        }

        var started = Stopwatch.GetTimestamp();
        using var response = await _api.Anonymous.SendAsync(Post(path, body, token));
        _commands.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return response.IsSuccessStatusCode || await FailedAsync($"POST {path}", response);
    }

    private async Task<bool> FailedAsync(string request, HttpResponseMessage response)
    {
        var problem = await response.Content.ReadAsStringAsync();
        if (Interlocked.Increment(ref _errors) == 1)
        {
            _firstError = $"{request}: {(int)response.StatusCode} {problem}";
        }

        return false;
    }

    private static HttpRequestMessage Post(string path, object body, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    /// <summary>A supervisor's screen: the same GET again and again (one in flight, 250 ms apart), each answer timed.</summary>
    private async Task ReadLoopAsync(string path, Latencies latencies, Stopwatch clock, TimeSpan deadline)
    {
        while (clock.Elapsed < deadline)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await _api.Client.GetAsync(path);
            await response.Content.ReadAsByteArrayAsync();
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (!response.IsSuccessStatusCode)
            {
                await FailedAsync($"GET {path}", response);
            }

            await Task.Delay(250);
        }
    }

    /// <summary>Conversations of the busy store that only the lag probe writes to, started in human mode.</summary>
    private async Task<string[]> StartLagProbesAsync()
    {
        var probes = Enumerable.Range(0, LagProbes).Select(p => $"{Busy}-lag{p}").ToArray();
        foreach (var probe in probes)
        {
            await SetUpAsync($"/api/conversations/{probe}", new { storeId = Busy, customerId = $"cust-{probe}", channel = "web", botEnabled = false });
        }

        return probes;
    }

    /// <summary>
    /// Projection lag as a customer's screen sees it: a customer message to a probe conversation, then the time from its
    /// 200 answer until the <c>conversations</c> read model's row counts it (polled in PostgreSQL every 2 ms); one probe
    /// in flight, the next 50 ms after the previous was seen.
    /// </summary>
    private async Task LagLoopAsync(string[] probes, Latencies lags, Stopwatch clock, TimeSpan deadline)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var read = new NpgsqlCommand("SELECT messages FROM rm.conversations WHERE conversation_id = $1", connection);
        read.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        var sent = new int[probes.Length];
        for (var n = 0; clock.Elapsed < deadline; n++)
        {
            var p = n % probes.Length;
            using var response = await _api.Anonymous.SendAsync(Post($"/api/conversations/{probes[p]}/messages", new { text = $"probe {n}" }, _ingestToken));
            var answered = Stopwatch.GetTimestamp();
            if (!response.IsSuccessStatusCode)
            {
                await FailedAsync($"POST lag probe {probes[p]}", response);
                continue;
            }

            sent[p]++;
            read.Parameters[0].Value = probes[p];
            // messages is an integer column; no row yet reads as none seen.
            while ((await read.ExecuteScalarAsync() as int? ?? 0) < sent[p])
            {
                if (Stopwatch.GetElapsedTime(answered) > TimeSpan.FromMinutes(2))
                {
                    throw new TimeoutException($"peak: probe {probes[p]}'s message {sent[p]} not in the read model after 2 min");
                }

                await Task.Delay(2);
            }

            lags.Add(Stopwatch.GetElapsedTime(answered).TotalMilliseconds);
            await Task.Delay(50);
        }
    }

    /// <summary>Stops both processes and waits until they have exited: their reactors append until then.</summary>
    public async ValueTask DisposeAsync()
    {
        await _projector.DisposeAsync();
        await _api.DisposeAsync();
    }

    private sealed record SeededConversation(string Id, string StoreId, int Agent);
}

/// <param name="QueueBefore">Conversations waiting in the busy store's queue when the sustained phase began.</param>
public sealed record PeakResult(
    int Commands, double Seconds, Latencies Command, Latencies Lag, Latencies Dashboard, Latencies Queue,
    long Errors, string? FirstError, CpuShares Cpu, long QueueBefore, long QueueAfter)
{
    public double CommandsPerSecond => Commands / Seconds;
}
