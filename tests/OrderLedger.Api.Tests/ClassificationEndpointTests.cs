using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrderLedger.Hosting;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>Classifying a conversation through the API: who may, what the read models show, the limits and the field at fault.</summary>
public sealed class ClassificationEndpointTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task An_agent_classifies_and_reclassifies_a_conversation_and_the_conversation_and_the_timeline_show_the_latest()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var agent = host.As(Roles.Agent, shop.StoreId);
        var (conversation, customer) = (NewId("cv-"), NewId("cust-"));
        await shop.OkAsync($"/api/conversations/{conversation}", new { storeId = shop.StoreId, customerId = customer, channel = "chat" });

        var first = await shop.OkAsync($"/api/conversations/{conversation}/classification", new { category = "Logistics", isComplaint = true, tags = new[] { "late", " SF " } }, agent);
        var again = await shop.OkAsync($"/api/conversations/{conversation}/classification", new { category = "Logistics", isComplaint = true, tags = new[] { "sf", "LATE" } }, agent);
        var second = await shop.OkAsync($"/api/conversations/{conversation}/classification", new { category = "ProductQuestion", isComplaint = false }, agent);

        var classified = first.GetProperty("events")[0];
        Assert.Equal("conversation-classified", classified.GetProperty("type").GetString());
        Assert.Equal(["late", "SF"], classified.GetProperty("data").GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(0, again.GetProperty("events").GetArrayLength());
        Assert.Equal("Logistics", second.GetProperty("events")[0].GetProperty("data").GetProperty("previousCategory").GetString());
        var row = await Eventually.Json(host.Client, $"/api/conversations/{conversation}",
            c => c.GetProperty("category").GetString() == "product_question", because: "the reclassification in the conversations read model");
        Assert.False(row.GetProperty("isComplaint").GetBoolean());
        Assert.Equal(0, row.GetProperty("tags").GetArrayLength());
        var timeline = await Eventually.Json(host.Client, $"/api/stores/{shop.StoreId}/customers/{customer}/timeline",
            t => t.GetProperty("entries").EnumerateArray().Count(e => e.GetProperty("type").GetString() == "conversation-classified") == 2,
            because: "both classifications on the customer's timeline");
        Assert.Contains(timeline.GetProperty("entries").EnumerateArray(), e => e.GetProperty("summary").GetString() == "Classified as logistics, a complaint (tags: late, SF)");
    }

    [Fact]
    public async Task A_connector_cannot_classify()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var conversation = NewId("cv-");
        await shop.OkAsync($"/api/conversations/{conversation}", new { storeId = shop.StoreId, customerId = NewId("cust-"), channel = "chat" });

        var answer = await host.As(Roles.Ingest, shop.StoreId).PostAsJsonAsync($"/api/conversations/{conversation}/classification", new { category = "Other", isComplaint = false });

        Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
    }

    public static TheoryData<object, HttpStatusCode, string, string?> Refused => new()
    {
        { new { isComplaint = false }, HttpStatusCode.BadRequest, "category", null },
        { new { category = "Other" }, HttpStatusCode.BadRequest, "isComplaint", null },
        { new { category = "Complaint", isComplaint = false }, HttpStatusCode.BadRequest, "category", null },
        { new { category = "Other", isComplaint = false, tags = Enumerable.Range(0, 11).Select(i => $"t{i}").ToArray() }, HttpStatusCode.BadRequest, "tags", null },
        { new { category = "Other", isComplaint = false, tags = new[] { "ok", new string('x', 33) } }, HttpStatusCode.BadRequest, "tags[1]", null },
        { new { category = "Other", isComplaint = false, tags = new[] { "nul\u0000" } }, HttpStatusCode.BadRequest, "tags[0]", null },
        { new { category = "Other", isComplaint = false, tags = new[] { "ok", "  " } }, HttpStatusCode.UnprocessableEntity, "tags[1]", "classification.tag-invalid" },
        { new { category = "Other", isComplaint = false, tags = new[] { "Late", "late" } }, HttpStatusCode.UnprocessableEntity, "tags[1]", "classification.tag-duplicate" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_classification_out_of_its_limits_is_refused_naming_the_field(object body, HttpStatusCode status, string field, string? rule)
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var conversation = NewId("cv-");
        await shop.OkAsync($"/api/conversations/{conversation}", new { storeId = shop.StoreId, customerId = NewId("cust-"), channel = "chat" });

        var answer = await host.As(Roles.Agent, shop.StoreId).PostAsJsonAsync($"/api/conversations/{conversation}/classification", body);

        Assert.Equal(status, answer.StatusCode);
        var problem = await answer.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        if (rule is not null)
        {
            Assert.Equal(rule, problem.GetProperty("rule").GetString());
        }
    }
}
