using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace OrderLedger.Testing;

/// <summary>
/// A loopback HTTP receiver for the alert webhooks: records every POST (its JSON body and the status it answered) and
/// answers 500 to the first <paramref name="failFirst"/> of them, so a test sees the sender retry.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private int _failuresLeft;

    public WebhookReceiver(int failFirst = 0)
    {
        _failuresLeft = failFirst;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/hook/";
        }

        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>Where to send (ends with a fake key, as a robot's URL does).</summary>
    public string Url { get; }

    public string SecretUrl => Url + "?key=secret-robot-key";

    public ConcurrentQueue<(JsonElement Body, int Status)> Posts { get; } = new();

    /// <summary>The deliveries answered 200, by a top-level string property of the body (e.g. <c>deliveryId</c>).</summary>
    public IReadOnlyList<string> Accepted(string property) =>
        [.. Posts.Where(p => p.Status == 200 && p.Body.TryGetProperty(property, out _)).Select(p => p.Body.GetProperty(property).GetString()!)];

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var body = await JsonDocument.ParseAsync(context.Request.InputStream);
            var status = Interlocked.Decrement(ref _failuresLeft) >= 0 ? 500 : 200;
            Posts.Enqueue((body.RootElement.Clone(), status));
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync("{\"errcode\":0,\"errmsg\":\"ok\"}"u8.ToArray());
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
