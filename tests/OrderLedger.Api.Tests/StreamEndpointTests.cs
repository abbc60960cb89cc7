using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace OrderLedger.Api.Tests;

public sealed class StreamEndpointTests(ApiHost host) : IClassFixture<ApiHost>
{
    private readonly HttpClient _client = host.Client;

    private static object Append(object expectedRevision, params object[] events) => new { expectedRevision, events };

    private static object Note(string text) => new { type = "note-added", data = new { text } };

    private static string NewStream() => "note-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Health_endpoints_answer_live_and_ready()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/health/live")).StatusCode);
        var ready = await _client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("postgres", (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("store").GetString());
    }

    [Fact]
    public async Task Appended_events_are_read_back_hash_chained()
    {
        var stream = NewStream();

        var first = await _client.PostAsJsonAsync($"/api/streams/{stream}", Append("no-stream", Note("a"), Note("b")));
        var second = await _client.PostAsJsonAsync($"/api/streams/{stream}", Append(1, Note("c")));
        var read = await _client.GetFromJsonAsync<JsonElement>($"/api/streams/{stream}");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var events = read.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["a", "b", "c"], events.Select(e => e.GetProperty("data").GetProperty("text").GetString()));
        Assert.Equal(
            events[1].GetProperty("metadata").GetProperty("hash").GetString(),
            events[2].GetProperty("metadata").GetProperty("prevHash").GetString());
    }

    [Fact]
    public async Task A_retried_request_with_the_same_idempotency_key_appends_once()
    {
        var stream = NewStream();
        await _client.PostAsJsonAsync($"/api/streams/{stream}", Append("any", Note("first")));

        Task<HttpResponseMessage> Send()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/streams/{stream}") { Content = JsonContent.Create(Append("any", Note("once"))) };
            request.Headers.Add("Idempotency-Key", "retry-" + stream);
            return _client.SendAsync(request);
        }

        var original = await (await Send()).Content.ReadFromJsonAsync<JsonElement>();
        var retried = await Send();

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(original.GetProperty("nextExpectedRevision").GetUInt64(), (await retried.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("nextExpectedRevision").GetUInt64());
        var read = await _client.GetFromJsonAsync<JsonElement>($"/api/streams/{stream}");
        Assert.Equal(2, read.GetProperty("events").GetArrayLength());
    }

    [Fact]
    public async Task A_wrong_expected_revision_is_a_409_problem_with_the_actual_revision_and_appends_nothing()
    {
        var stream = NewStream();
        await _client.PostAsJsonAsync($"/api/streams/{stream}", Append("no-stream", Note("a")));

        var response = await _client.PostAsJsonAsync($"/api/streams/{stream}", Append(5, Note("b"), Note("c")));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, problem.GetProperty("actualRevision").GetInt32());
        Assert.Equal("expectedRevision", problem.GetProperty("field").GetString());
        var read = await _client.GetFromJsonAsync<JsonElement>($"/api/streams/{stream}");
        Assert.Equal(1, read.GetProperty("events").GetArrayLength());
    }

    [Theory]
    [InlineData("""{"expectedRevision":"sometimes","events":[{"type":"x","data":{}}]}""", "expectedRevision")]
    [InlineData("""{"expectedRevision":"any","events":[]}""", "events")]
    [InlineData("""{"expectedRevision":"any","events":[{"type":"","data":{}}]}""", "events[0].type")]
    [InlineData("""{"expectedRevision":"any","events":[{"type":"x","data":42}]}""", "events[0].data")]
    public async Task Invalid_appends_are_400_problems_naming_the_field(string body, string field)
    {
        var stream = NewStream();

        var response = await _client.PostAsync($"/api/streams/{stream}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}: {problem}");
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/api/streams/{stream}")).StatusCode);
    }

    [Fact]
    public async Task All_is_paged_by_position_and_filtered_by_stream_prefix()
    {
        var stream = NewStream();
        await _client.PostAsJsonAsync($"/api/streams/{stream}", Append("no-stream", Note("a"), Note("b"), Note("c")));

        var page1 = await _client.GetFromJsonAsync<JsonElement>($"/api/all?streamPrefix={stream}&limit=2");
        var page2 = await _client.GetFromJsonAsync<JsonElement>($"/api/all?streamPrefix={stream}&limit=2&after={page1.GetProperty("next").GetString()}");
        var badPosition = await _client.GetAsync("/api/all?after=yesterday");

        Assert.Equal(2, page1.GetProperty("events").GetArrayLength());
        Assert.Equal("c", page2.GetProperty("events")[0].GetProperty("data").GetProperty("text").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, badPosition.StatusCode);
    }

    [Fact]
    public async Task A_missing_stream_is_a_404_problem()
    {
        var response = await _client.GetAsync($"/api/streams/{NewStream()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
