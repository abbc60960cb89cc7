using Microsoft.IdentityModel.JsonWebTokens;
using OrderLedger.Hosting;
using Xunit;

namespace OrderLedger.Cli.Tests;

public sealed class TokenVerbTests
{
    private const string Key = "cli-test-signing-key-of-at-least-32-bytes";

    [Fact]
    public async Task A_token_carries_the_roles_and_stores_asked_for_and_validates_with_the_same_key()
    {
        var run = await CliHarness.Run("token", "--role", "agent", "--store", "s1,s2", "--hours", "2", "--signing-key", Key);

        Assert.Equal(0, run.ExitCode);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(run.Output.Trim(), new AccessTokens(Key).ValidationParameters);
        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.True(new System.Security.Claims.ClaimsPrincipal(result.ClaimsIdentity).CanSee("s2"));
        Assert.False(result.ClaimsIdentity.HasClaim("role", "admin"));
        Assert.True(result.ClaimsIdentity.HasClaim("role", "agent"));
    }

    [Theory]
    [InlineData(new[] { "token", "--store", "s1", "--signing-key", Key }, "--role is required")]
    [InlineData(new[] { "token", "--role", "janitor", "--store", "s1", "--signing-key", Key }, "unknown role 'janitor'")]
    [InlineData(new[] { "token", "--role", "agent", "--signing-key", Key }, "--store is required")]
    [InlineData(new[] { "token", "--role", "agent", "--store", "s1", "--hours", "-1", "--signing-key", Key }, "--hours must be")]
    public async Task Bad_requests_are_one_line_with_exit_code_2(string[] args, string message)
    {
        var run = await CliHarness.Run(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_signing_key_is_explained()
    {
        var run = await CliHarness.Run("token", "--role", "agent", "--store", "s1", "--signing-key", "short");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Auth:SigningKey", run.Error, StringComparison.Ordinal);
    }
}
