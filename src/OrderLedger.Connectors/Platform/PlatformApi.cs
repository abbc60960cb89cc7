using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrderLedger.Connectors.Worker;

namespace OrderLedger.Connectors.Platform;

/// <summary>
/// Calls a platform's JSON API with an access token: the token is obtained once and kept until shortly before it
/// expires; an answer that says it expired or is invalid (40001, 40014, 42001) gets a fresh token and one more try;
/// "busy" and "too frequent" (-1, 45009, 45011, 45033) are retried with doubling back-off. Anything else with a non-zero
/// <c>errcode</c> is an error of the call. The token is never logged.
/// </summary>
public sealed class PlatformApi(HttpClient http, ConnectorOptions options, TimeProvider time) : IDisposable
{
    private static readonly int[] ExpiredToken = [40001, 40014, 42001];
    private static readonly int[] Busy = [-1, 45009, 45011, 45033];
    private readonly Dictionary<string, (string Token, DateTimeOffset Until)> _tokens = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>How a platform hands out tokens: the URL (absolute) for a credential set.</summary>
    public sealed record TokenSource(string CacheKey, string Url);

    public async Task<JsonObject> PostAsync(string baseUrl, string path, TokenSource tokens, object body, CancellationToken cancellationToken)
    {
        var refreshed = false;
        for (var attempt = 0; ; attempt++)
        {
            var token = await TokenAsync(tokens, cancellationToken);
            var answer = await SendAsync(() => http.PostAsJsonAsync($"{baseUrl.TrimEnd('/')}{path}?access_token={Uri.EscapeDataString(token)}", body, cancellationToken), cancellationToken);
            var code = ErrorCode(answer);
            if (code == 0)
            {
                return answer;
            }

            if (ExpiredToken.Contains(code) && !refreshed)
            {
                await ForgetAsync(tokens, token, cancellationToken);
                refreshed = true;
                continue;
            }

            if (Busy.Contains(code) && attempt < options.MaxRetries)
            {
                await Task.Delay(options.RetryDelay * (1 << attempt), time, cancellationToken);
                continue;
            }

            throw new PlatformApiException(path, code, answer["errmsg"]?.GetValue<string>() ?? "");
        }
    }

    private async Task<string> TokenAsync(TokenSource source, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_tokens.TryGetValue(source.CacheKey, out var kept) && kept.Until > time.GetUtcNow())
            {
                return kept.Token;
            }

            for (var attempt = 0; ; attempt++)
            {
                var answer = await SendAsync(() => http.GetAsync(source.Url, cancellationToken), cancellationToken);
                var code = ErrorCode(answer);
                if (code == 0 && answer["access_token"]?.GetValue<string>() is { Length: > 0 } token)
                {
                    var seconds = answer["expires_in"]?.GetValue<int>() ?? 7200;
                    // Renewed five minutes early, as both platforms advise, so a call never carries a token about to lapse.
                    _tokens[source.CacheKey] = (token, time.GetUtcNow().AddSeconds(Math.Max(seconds - 300, 0)));
                    return token;
                }

                if (Busy.Contains(code) && attempt < options.MaxRetries)
                {
                    await Task.Delay(options.RetryDelay * (1 << attempt), time, cancellationToken);
                    continue;
                }

                throw new PlatformApiException("access token", code, answer["errmsg"]?.GetValue<string>() ?? "");
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task ForgetAsync(TokenSource source, string token, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_tokens.TryGetValue(source.CacheKey, out var kept) && kept.Token == token)
            {
                _tokens.Remove(source.CacheKey);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose()
    {
        _lock.Dispose();
        http.Dispose();
    }

    private static int ErrorCode(JsonObject answer) => answer["errcode"]?.GetValue<int>() ?? 0;

    private static async Task<JsonObject> SendAsync(Func<Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await send();
            if (!response.IsSuccessStatusCode)
            {
                throw new TransientConnectorException($"The platform answered HTTP {(int)response.StatusCode}.");
            }

            return JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken)) as JsonObject
                ?? throw new TransientConnectorException("The platform answered something other than a JSON object.");
        }
        catch (Exception ex) when ((ex is HttpRequestException or JsonException or TaskCanceledException) && !cancellationToken.IsCancellationRequested)
        {
            throw new TransientConnectorException("The platform could not be reached.", ex);
        }
    }
}

/// <summary>A platform call answered with an error code that no retry mends; the entry is tried again on a later pass.</summary>
public sealed class PlatformApiException(string call, int code, string message) : Exception($"{call}: errcode {code} {message}")
{
    public int Code { get; } = code;
}
