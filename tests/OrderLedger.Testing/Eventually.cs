using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrderLedger.Testing;

/// <summary>Waits for a condition driven by background work, instead of sleeping a fixed time.</summary>
public static class Eventually
{
    public static async Task<T> Get<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Condition not reached within {timeout ?? TimeSpan.FromSeconds(30)}: {because ?? "(no description)"}; last value: {value}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Waits until <c>GET <paramref name="path"/></c> answers 200 with JSON that is <paramref name="done"/>. Any other
    /// status is "not yet": a read model that has not caught up answers 404 for a resource it has not seen.
    /// </summary>
    public static Task<JsonElement> Json(HttpClient client, string path, Func<JsonElement, bool> done, TimeSpan? timeout = null, string? because = null) =>
        Get(
            async () =>
            {
                using var response = await client.GetAsync(path);
                return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
            },
            json => json.ValueKind != JsonValueKind.Undefined && done(json),
            timeout,
            because ?? $"GET {path}");
}
