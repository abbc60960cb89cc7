using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using OrderLedger.Hosting;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>Each role against each endpoint family, deny cases first (issue 6).</summary>
public sealed class AccessControlTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static object NoteIn(string storeId) => new
    {
        expectedRevision = "any",
        storeId,
        events = new[] { new { type = "note-added", data = new { text = "x" } } },
    };

    [Fact]
    public async Task Without_a_token_everything_but_health_is_401()
    {
        var anonymous = host.Anonymous;

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/streams/note-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/all")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/streams/note-1", NoteIn("s1"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task A_forged_or_expired_token_is_401()
    {
        var forged = host.Anonymous;
        var otherKey = new AccessTokens("another-signing-key-of-at-least-32-bytes");
        forged.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            otherKey.Issue("mallory", [Roles.Admin], [AccessTokens.AllStores], TimeSpan.FromHours(1), DateTimeOffset.UtcNow));
        var expired = host.Anonymous;
        expired.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            new AccessTokens("test-signing-key-of-at-least-32-bytes!").Issue("old", [Roles.Admin], ["*"], TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow.AddHours(-2)));

        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/all")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await expired.GetAsync("/api/all")).StatusCode);
    }

    [Theory]
    [InlineData(Roles.Agent)]
    [InlineData(Roles.Supervisor)]
    [InlineData(Roles.Auditor)]
    [InlineData(Roles.Data)]
    [InlineData(Roles.Ingest)]
    public async Task Only_admins_append_raw_events(string role)
    {
        var response = await host.As(role, "s1").PostAsJsonAsync($"/api/streams/note-{Guid.NewGuid():N}", NoteIn("s1"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData(Roles.Agent)]
    [InlineData(Roles.Ingest)]
    public async Task Agents_and_ingest_systems_cannot_read_the_raw_log(string role)
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await host.As(role, "s1").GetAsync("/api/streams/note-1")).StatusCode);
    }

    [Theory]
    [InlineData(Roles.Agent)]
    [InlineData(Roles.Supervisor)]
    [InlineData(Roles.Auditor)]
    [InlineData(Roles.Ingest)]
    public async Task Only_the_data_team_and_admins_read_all_stores_at_once(string role)
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await host.As(role, "s1").GetAsync("/api/all")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.As(Roles.Data).GetAsync("/api/all")).StatusCode);
    }

    [Fact]
    public async Task An_auditor_of_store_A_gets_404_for_a_stream_of_store_B_and_sees_store_A()
    {
        var streamOfB = $"note-{Guid.NewGuid():N}";
        var streamOfA = $"note-{Guid.NewGuid():N}";
        await host.Client.PostAsJsonAsync($"/api/streams/{streamOfB}", NoteIn("store-b"));
        await host.Client.PostAsJsonAsync($"/api/streams/{streamOfA}", NoteIn("store-a"));
        var auditorOfA = host.As(Roles.Auditor, "store-a");

        var ofB = await auditorOfA.GetAsync($"/api/streams/{streamOfB}");
        var ofA = await auditorOfA.GetAsync($"/api/streams/{streamOfA}");

        Assert.Equal(HttpStatusCode.NotFound, ofB.StatusCode);
        Assert.DoesNotContain("store-b", await ofB.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, ofA.StatusCode);
    }

    [Fact]
    public void Tokens_need_a_known_role_a_store_and_a_long_enough_key()
    {
        var tokens = new AccessTokens("test-signing-key-of-at-least-32-bytes!");

        Assert.Throws<ArgumentException>(() => tokens.Issue("x", ["janitor"], ["s1"], TimeSpan.FromHours(1), DateTimeOffset.UtcNow));
        Assert.Throws<ArgumentException>(() => tokens.Issue("x", [Roles.Agent], [], TimeSpan.FromHours(1), DateTimeOffset.UtcNow));
        Assert.Throws<InvalidOperationException>(() => new AccessTokens("short"));
    }
}
