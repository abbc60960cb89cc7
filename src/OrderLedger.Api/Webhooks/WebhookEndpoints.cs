using System.Text;
using OrderLedger.Connectors;
using OrderLedger.Connectors.Generic;
using OrderLedger.Connectors.Receiving;

namespace OrderLedger.Api.Webhooks;

/// <summary>
/// The URLs a merchant registers with the platforms (docs/connectors.md): no bearer token — the platform's signature
/// is the credential, checked by <see cref="CallbackReceiver"/>. A verified notification is in the store's inbox before
/// the answer (<c>success</c>) goes out; the connector worker makes commands of it afterwards, so the answer stays well
/// inside the platforms' 5-second limit.
/// </summary>
public static class WebhookEndpoints
{
    /// <summary>The platforms' notifications are a few kilobytes; anything much larger is not one of theirs.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public static void MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        var hooks = app.MapGroup("/webhooks").ExcludeFromDescription();
        foreach (var channel in new[] { Channels.WeChatShop, Channels.WeComKf })
        {
            hooks.MapGet($"/{channel}/{{storeId}}", (string storeId, HttpRequest request, CallbackReceiver receiver) =>
                Answer(() => Results.Text(receiver.VerifyUrl(channel, storeId, QueryOf(request)), "text/plain")));
            hooks.MapPost($"/{channel}/{{storeId}}", async (string storeId, HttpRequest request, CallbackReceiver receiver, CancellationToken cancellationToken) =>
                await AnswerAsync(async () =>
                {
                    await receiver.ReceiveAsync(channel, storeId, QueryOf(request), await BodyAsync(request, cancellationToken), cancellationToken);
                    return Results.Text("success", "text/plain");
                }));
        }

        hooks.MapPost($"/{Channels.Generic}/{{storeId}}", async (string storeId, HttpRequest request, CallbackReceiver receiver, CancellationToken cancellationToken) =>
            await AnswerAsync(async () =>
            {
                await receiver.ReceiveGenericAsync(
                    storeId, request.Headers[GenericEnvelope.SignatureHeader], request.Headers[GenericEnvelope.TimestampHeader], await BodyAsync(request, cancellationToken), cancellationToken);
                return Results.Accepted();
            }));
    }

    private static CallbackQuery QueryOf(HttpRequest request) => new(
        request.Query["signature"], request.Query["msg_signature"], request.Query["timestamp"], request.Query["nonce"], request.Query["echostr"]);

    private static async Task<string> BodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            throw new CallbackRejectedException(CallbackRefusal.Malformed, "The body is too large.");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                throw new CallbackRejectedException(CallbackRefusal.Malformed, "The body is too large.");
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static IResult Answer(Func<IResult> answer)
    {
        try
        {
            return answer();
        }
        catch (CallbackRejectedException refused)
        {
            return ApiProblems.CallbackRefused(refused.Refusal, refused.Message);
        }
    }

    private static async Task<IResult> AnswerAsync(Func<Task<IResult>> answer)
    {
        try
        {
            return await answer();
        }
        catch (CallbackRejectedException refused)
        {
            return ApiProblems.CallbackRefused(refused.Refusal, refused.Message);
        }
    }
}
