using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OrderLedger.Hosting;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>Issue 13 item 9: tokens are signed HS256 and only HS256 is accepted, even with the right key.</summary>
public sealed class TokenAlgorithmTests(ApiHost host) : IClassFixture<ApiHost>
{
    private const string SigningKey = "test-signing-key-of-at-least-32-bytes!";

    [Fact]
    public async Task A_token_signed_HS256_with_the_key_is_accepted() =>
        Assert.Equal(HttpStatusCode.OK, (await Client(Signed(SecurityAlgorithms.HmacSha256, SigningKey)).GetAsync("/api/all")).StatusCode);

    /// <summary>
    /// The key <c>tools/run.sh</c> makes (48 random bytes, base64: 512 bits) is long enough for HS512 too, so without the
    /// pin a token signed HS512 with it would validate.
    /// </summary>
    [Theory]
    [InlineData(SecurityAlgorithms.HmacSha512)]
    [InlineData(SecurityAlgorithms.HmacSha384)]
    public async Task A_token_signed_with_the_right_key_but_another_algorithm_is_refused(string algorithm)
    {
        var key = Convert.ToBase64String(Enumerable.Range(1, 48).Select(i => (byte)i).ToArray());
        var tokens = new AccessTokens(key);

        var hs256 = await new JsonWebTokenHandler().ValidateTokenAsync(Signed(SecurityAlgorithms.HmacSha256, key), tokens.ValidationParameters);
        var other = await new JsonWebTokenHandler().ValidateTokenAsync(Signed(algorithm, key), tokens.ValidationParameters);

        Assert.True(hs256.IsValid, hs256.Exception?.Message);
        Assert.False(other.IsValid);
        Assert.IsAssignableFrom<SecurityTokenException>(other.Exception);
    }

    [Fact]
    public async Task An_unsigned_token_alg_none_is_401()
    {
        static string Part(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var unsigned = $"{Part("""{"alg":"none","typ":"JWT"}""")}.{Part(
            $$"""{"sub":"mallory","role":"admin","store":"*","iss":"{{AccessTokens.Issuer}}","aud":"{{AccessTokens.Audience}}","nbf":{{now}},"exp":{{now + 3600}}}""")}.";

        Assert.Equal(HttpStatusCode.Unauthorized, (await Client(unsigned).GetAsync("/api/all")).StatusCode);
    }

    private HttpClient Client(string token)
    {
        var client = host.Anonymous;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static string Signed(string algorithm, string signingKey) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = AccessTokens.Issuer,
        Audience = AccessTokens.Audience,
        Subject = new ClaimsIdentity([new Claim("sub", "mallory"), new Claim("role", Roles.Admin), new Claim(AccessTokens.StoreClaim, AccessTokens.AllStores)]),
        Expires = DateTime.UtcNow.AddHours(1),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), algorithm),
    });
}
