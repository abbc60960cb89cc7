using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrderLedger.Hosting;

/// <summary>The roles of brief/issue 6. A token carries one or more roles and the stores it may see.</summary>
public static class Roles
{
    public const string Agent = "agent";
    public const string Supervisor = "supervisor";
    public const string Auditor = "auditor";
    public const string Data = "data";
    public const string Ingest = "ingest";
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [Agent, Supervisor, Auditor, Data, Ingest, Admin];
}

/// <summary>
/// Bearer tokens (JWT, HMAC-SHA256) signed with <c>Auth:SigningKey</c> from configuration. Claims: <c>sub</c>,
/// <c>role</c> (repeated), <c>store</c> (repeated; <c>*</c> = every store).
/// </summary>
public sealed class AccessTokens
{
    public const string Issuer = "orderledger";
    public const string Audience = "orderledger-api";
    public const string StoreClaim = "store";
    public const string AllStores = "*";
    public const string SigningKeySetting = "Auth:SigningKey";

    private readonly SymmetricSecurityKey _key;

    public AccessTokens(string signingKey)
    {
        if (string.IsNullOrWhiteSpace(signingKey) || Encoding.UTF8.GetByteCount(signingKey) < 32)
        {
            throw new InvalidOperationException($"{SigningKeySetting} must be set to a secret of at least 32 bytes (tools/run.sh makes one in .data/).");
        }

        _key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey));
    }

    public static AccessTokens FromConfiguration(IConfiguration configuration) => new(configuration[SigningKeySetting] ?? "");

    public TokenValidationParameters ValidationParameters => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = _key,
        ValidateIssuerSigningKey = true,
        // Tokens are signed HS256 only: any other algorithm in a token's header (HS512, none, …) is refused.
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        RoleClaimType = "role",
        NameClaimType = "sub",
        ClockSkew = TimeSpan.FromSeconds(30),
    };

    public string Issue(string subject, IReadOnlyCollection<string> roles, IReadOnlyCollection<string> stores, TimeSpan lifetime, DateTimeOffset now)
    {
        var unknown = roles.Where(r => !Roles.All.Contains(r)).ToList();
        if (roles.Count == 0 || unknown.Count > 0)
        {
            throw new ArgumentException($"Roles must be some of {string.Join(", ", Roles.All)}; got '{string.Join(", ", unknown)}'.", nameof(roles));
        }

        if (stores.Count == 0 || stores.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("A token needs at least one store id (or * for every store).", nameof(stores));
        }

        var claims = new List<Claim> { new("sub", subject) };
        claims.AddRange(roles.Select(r => new Claim("role", r)));
        claims.AddRange(stores.Select(s => new Claim(StoreClaim, s)));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
    }
}

/// <summary>Store isolation: what a caller's token lets it see.</summary>
public static class StoreAccess
{
    public static bool CanSee(this ClaimsPrincipal user, string? storeId) =>
        user.FindAll(AccessTokens.StoreClaim).Any(c => c.Value == AccessTokens.AllStores || (storeId is not null && c.Value == storeId));

    public static IReadOnlyList<string> Stores(this ClaimsPrincipal user) =>
        user.FindAll(AccessTokens.StoreClaim).Select(c => c.Value).ToList();
}
