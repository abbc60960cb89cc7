using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using OrderLedger.Hosting;

namespace OrderLedger.Api.Security;

/// <summary>
/// A 403 says what would have been let in: the roles of the endpoint's policy and whether it needs a token of every
/// store, so a page can tell its user which token to ask for (docs/web.md). Everything else is the default handling.
/// </summary>
public sealed class ForbiddenAnswers : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Forbidden)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        var roles = policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).Distinct().ToList();
        var everyStore = policy.Requirements.OfType<ClaimsAuthorizationRequirement>()
            .Any(r => r.ClaimType == AccessTokens.StoreClaim && r.AllowedValues?.Contains(AccessTokens.AllStores) == true);
        await ApiProblems.Forbidden(roles, everyStore).ExecuteAsync(context);
    }
}
