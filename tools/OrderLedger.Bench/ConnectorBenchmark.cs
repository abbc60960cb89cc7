using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using OrderLedger.Connectors;
using OrderLedger.Connectors.Generic;

namespace OrderLedger.Bench;

/// <summary>
/// Issue 18's throughput of one connector: signed generic-webhook notifications (<c>POST /webhooks/generic/{storeId}</c>,
/// HMAC-SHA256, each a conversation started) sent by concurrent senders to the API host run as a child process with its
/// projections and connector worker, against the same facts sent as commands to the command API
/// (<c>POST /api/conversations/{id}</c>) by as many senders. Received: every notification answered 202 (it is in the
/// store's inbox stream); handled: every one turned into its command by the worker (a row in <c>connectors.handled</c>).
/// </summary>
public sealed class ConnectorBenchmark : IAsyncDisposable
{
    public const int Senders = 16;

    private readonly ApiHostProcess _api;
    private readonly string _connectionString;
    private readonly string _storeId;
    private readonly string _secret;
    private int _runs;

    private ConnectorBenchmark(ApiHostProcess api, string connectionString, string storeId, string secret)
    {
        _api = api;
        _connectionString = connectionString;
        _storeId = storeId;
        _secret = secret;
    }

    public static async Task<ConnectorBenchmark> StartAsync(string connectionString)
    {
        var storeId = "conn" + Guid.NewGuid().ToString("N")[..6];
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var api = await ApiHostProcess.StartAsync(connectionString, new Dictionary<string, string>
        {
            [$"Connectors__Generic__{storeId}__Secret"] = secret,
        });
        var bench = new ConnectorBenchmark(api, connectionString, storeId, secret);
        var registered = await api.Client.PostAsJsonAsync($"/api/stores/{storeId}", new { name = "Connector bench", timeZone = "Asia/Shanghai", currency = "CNY" });
        if (!registered.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"connector bench store: {(int)registered.StatusCode} {await registered.Content.ReadAsStringAsync()}");
        }

        return bench;
    }

    /// <summary>
    /// Sends <paramref name="count"/> signed notifications; the milliseconds until the last was answered (received) and
    /// until the worker had handled every one (handled), both from the first send.
    /// </summary>
    public async Task<(double Received, double Handled)> NotificationsAsync(int count)
    {
        var run = $"n{Interlocked.Increment(ref _runs)}-{Guid.NewGuid().ToString("N")[..6]}";
        var clock = Stopwatch.StartNew();
        await SendAllAsync(count, async i =>
        {
            var body = new JsonObject
            {
                ["id"] = $"{run}-{i}", ["source"] = "bench", ["type"] = "StartConversation", ["time"] = DateTimeOffset.UtcNow.ToString("O"),
                ["data"] = Conversation(run, i),
            }.ToJsonString();
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/generic/{_storeId}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add(GenericEnvelope.TimestampHeader, timestamp);
            request.Headers.Add(GenericEnvelope.SignatureHeader, GenericEnvelope.Sign(_secret, timestamp, body));
            return await _api.Anonymous.SendAsync(request);
        }, HttpStatusCode.Accepted);
        var received = clock.Elapsed.TotalMilliseconds;
        await WaitUntilHandledAsync(run, count, TimeSpan.FromMinutes(10));
        return (received, clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>The same facts as commands to the command API: milliseconds until every one was answered.</summary>
    public async Task<double> CommandsAsync(int count)
    {
        var run = $"c{Interlocked.Increment(ref _runs)}-{Guid.NewGuid().ToString("N")[..6]}";
        var clock = Stopwatch.StartNew();
        await SendAllAsync(count, i => _api.Client.PostAsJsonAsync($"/api/conversations/{run}-{i}", Conversation(run, i)), HttpStatusCode.OK);
        return clock.Elapsed.TotalMilliseconds;
    }

    private JsonObject Conversation(string run, int i) => new()
    {
        ["conversationId"] = $"{run}-{i}", ["storeId"] = _storeId, ["customerId"] = $"c-{run}-{i}", ["channel"] = "web", ["botEnabled"] = true,
    };

    private static async Task SendAllAsync(int count, Func<int, Task<HttpResponseMessage>> send, HttpStatusCode expected)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Senders).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                using var response = await send(i);
                if (response.StatusCode != expected)
                {
                    throw new InvalidOperationException($"connector bench, item {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
        })));
    }

    private async Task WaitUntilHandledAsync(string run, int count, TimeSpan timeout)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM connectors.handled h JOIN rm.connector_inbox i USING (event_id) WHERE h.inbox_id = $1 AND i.body LIKE $2", connection);
            command.Parameters.AddWithValue(Channels.InboxId(Channels.Generic, _storeId));
            command.Parameters.AddWithValue($"%\"id\":\"{run}-%");
            long handled;
            try
            {
                handled = (long)(await command.ExecuteScalarAsync())!;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                handled = 0; // the worker or the inbox projection has not created its table yet
            }

            if (handled >= count)
            {
                return;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"connector bench: {handled} of {count} notifications handled after {timeout.TotalMinutes:F0} min");
            }

            await Task.Delay(20);
        }
    }

    public ValueTask DisposeAsync() => _api.DisposeAsync();
}
