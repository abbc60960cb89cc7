using System.Net.Http.Json;
using System.Text;
using Newtonsoft.Json.Linq;
using OrderLedger.Hosting;
using Snapshooter.Xunit;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>
/// The API's public contracts as approved snapshots (<c>__snapshots__/</c> beside this file): the OpenAPI document and the
/// shape of every kind of problem answer. An unintended change fails here and leaves the new version in
/// <c>__snapshots__/__mismatch__/</c> to diff; an intended one is approved by moving that file over the old one.
/// tools/test.sh runs with <c>SNAPSHOOTER_STRICT_MODE=on</c>, so a missing snapshot fails instead of being written.
/// </summary>
public sealed class ContractSnapshotTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task The_OpenAPI_document_is_as_approved()
    {
        var document = await host.Anonymous.GetStringAsync("/openapi/v1.json");

        Snapshot.Match(JToken.Parse(document));
    }

    [Fact]
    public async Task Every_kind_of_problem_answer_has_the_approved_shape()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = await shop.PlaceOrderAsync();
        var answers = new SortedDictionary<string, JToken>(StringComparer.Ordinal)
        {
            ["401 no token"] = await AnswerAsync(host.Anonymous.PostAsJsonAsync("/api/stores/snap-401", new { name = "S", timeZone = "UTC", currency = "EUR" })),
            ["403 role without the permission"] = await AnswerAsync(host.As(Roles.Auditor).PostAsJsonAsync("/api/stores/snap-403", new { name = "S", timeZone = "UTC", currency = "EUR" })),
            ["400 field missing"] = await AnswerAsync(host.Client.PostAsJsonAsync("/api/stores/snap-400", new { name = "S", currency = "EUR" })),
            ["400 not JSON"] = await AnswerAsync(host.Client.PostAsync("/api/stores/snap-400-json", new StringContent("{\"name\":", Encoding.UTF8, "application/json"))),
            ["400 control character"] = await AnswerAsync(host.Client.PostAsJsonAsync("/api/stores/snap-400-nul", new { name = "S\u0000", timeZone = "UTC", currency = "EUR" })),
            ["415 not JSON media type"] = await AnswerAsync(host.Client.PostAsync("/api/stores/snap-415", new StringContent("name=S", Encoding.UTF8, "text/plain"))),
            ["413 body over the limit"] = await AnswerAsync(host.Client.PostAsJsonAsync("/api/stores/snap-413", new { name = new string('x', 300_000), timeZone = "UTC", currency = "EUR" })),
            ["404 aggregate not found"] = await AnswerAsync(host.Client.PostAsJsonAsync("/api/shipments/snap-none/delivered", new { })),
            ["404 query not found"] = await AnswerAsync(host.Client.GetAsync("/api/orders/snap-none")),
            ["422 rule the request breaks"] = await AnswerAsync(host.Client.PostAsJsonAsync($"/api/orders/{orderId}/payments", new { amount = 1.0m, currency = "EUR", paymentReference = "p-short" })),
            ["409 rule the state forbids"] = await AnswerAsync(host.Client.PostAsJsonAsync($"/api/stores/{shop.StoreId}", new { name = "Another shop", timeZone = "UTC", currency = "USD" })),
            ["409 out of stock with lines"] = await AnswerAsync(host.Client.PostAsJsonAsync("/api/orders/snap-oos", shop.PlaceOrderBody(quantity: 500))),
        };

        Snapshot.Match(answers);
    }

    /// <summary>Status, content type and body, with the values that change on every run (trace ids, generated ids) replaced.</summary>
    private async Task<JToken> AnswerAsync(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        var body = await response.Content.ReadAsStringAsync();
        var parsed = body.Length == 0 ? JValue.CreateNull() : JToken.Parse(body);
        if (parsed is JObject problem)
        {
            problem.Remove("traceId");
        }

        var answer = new JObject
        {
            ["status"] = (int)response.StatusCode,
            ["contentType"] = response.Content.Headers.ContentType?.MediaType,
            ["body"] = parsed,
        };
        return JToken.Parse(Anonymise(answer.ToString()));
    }

    private static string Anonymise(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, "(st|wh|ord)-[0-9a-f]{10}", "$1-…");

}
