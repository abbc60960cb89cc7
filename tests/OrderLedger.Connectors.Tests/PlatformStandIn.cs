using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace OrderLedger.Connectors.Tests;

/// <summary>
/// A loopback Kestrel server answering as the WeChat shop API and the WeCom API do (the documented paths, request and
/// answer shapes): access tokens, order detail, after-sale order, and kf/sync_msg pages by cursor. Tests set what it
/// serves, can make a token expire (errcode 42001) or the API fail (HTTP 503), and see what was asked.
/// </summary>
public sealed class PlatformStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _tokens;

    public ConcurrentDictionary<string, JsonObject> Orders { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, JsonObject> AfterSales { get; } = new(StringComparer.Ordinal);

    /// <summary>Pulled message pages by the cursor that asks for them ("" = the first).</summary>
    public ConcurrentDictionary<string, (JsonArray Messages, string NextCursor, bool HasMore)> KfPages { get; } = new(StringComparer.Ordinal);

    /// <summary>Tokens the API now calls expired.</summary>
    public ConcurrentDictionary<string, bool> ExpiredTokens { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>While positive, each API call answers 503 and counts it down.</summary>
    public int FailuresToServe;

    public string BaseUrl { get; }

    public int TokensIssued => _tokens;

    private PlatformStandIn()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapGet("/cgi-bin/token", () => Token(wecom: false));
        _app.MapGet("/cgi-bin/gettoken", () => Token(wecom: true));
        _app.MapPost("/channels/ec/order/get", (HttpRequest request) => Answer(request, "order/get", body =>
            Orders.TryGetValue(body["order_id"]!.ToString(), out var order) ? new JsonObject { ["errcode"] = 0, ["errmsg"] = "ok", ["order"] = order.DeepClone() } : Error(10000001, "order not found")));
        _app.MapPost("/channels/ec/aftersale/getaftersaleorder", (HttpRequest request) => Answer(request, "aftersale", body =>
            AfterSales.TryGetValue(body["after_sale_order_id"]!.ToString(), out var afterSale) ? new JsonObject { ["errcode"] = 0, ["errmsg"] = "ok", ["after_sale_order"] = afterSale.DeepClone() } : Error(10000002, "not found")));
        _app.MapPost("/cgi-bin/kf/sync_msg", (HttpRequest request) => Answer(request, "sync_msg", body =>
        {
            var cursor = body["cursor"]?.ToString() ?? "";
            var (messages, next, more) = KfPages.TryGetValue(cursor, out var page) ? page : ([], cursor, false);
            return new JsonObject { ["errcode"] = 0, ["errmsg"] = "ok", ["next_cursor"] = next, ["has_more"] = more ? 1 : 0, ["msg_list"] = messages.DeepClone() };
        }));
        _app.StartAsync().GetAwaiter().GetResult();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public static PlatformStandIn Start() => new();

    private IResult Token(bool wecom)
    {
        var token = $"TOKEN-{Interlocked.Increment(ref _tokens)}";
        var answer = new JsonObject { ["access_token"] = token, ["expires_in"] = 7200 };
        if (wecom)
        {
            answer["errcode"] = 0;
            answer["errmsg"] = "ok";
        }

        return Results.Json(answer);
    }

    private async Task<IResult> Answer(HttpRequest request, string call, Func<JsonObject, JsonObject> answer)
    {
        var token = request.Query["access_token"].ToString();
        Calls.Enqueue($"{call} {token}");
        if (Interlocked.Decrement(ref FailuresToServe) >= 0)
        {
            return Results.StatusCode(503);
        }

        Interlocked.Exchange(ref FailuresToServe, 0);
        if (!token.StartsWith("TOKEN-", StringComparison.Ordinal))
        {
            return Results.Json(Error(40014, "invalid access_token"));
        }

        if (ExpiredTokens.ContainsKey(token))
        {
            return Results.Json(Error(42001, "access_token expired"));
        }

        var body = (JsonObject)(await JsonNode.ParseAsync(request.Body))!;
        return Results.Json(answer(body));
    }

    private static JsonObject Error(int code, string message) => new() { ["errcode"] = code, ["errmsg"] = message };

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
