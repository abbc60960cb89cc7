using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using OrderLedger.Hosting;

namespace OrderLedger.Api.Security;

/// <summary>Who may do what (issue 6). Store isolation is checked per request with <see cref="StoreAccess"/>.</summary>
public static class Policies
{
    /// <summary>Post commands: people and systems that run the business; auditors and the data team cannot.</summary>
    public const string Commands = "commands";

    /// <summary>Read models and history of the caller's stores.</summary>
    public const string Read = "read";

    /// <summary>Raw streams of the log, event by event.</summary>
    public const string ReadLog = "read-log";

    /// <summary>$all, across stores.</summary>
    public const string ReadAll = "read-all";

    /// <summary>Rebuild projections.</summary>
    public const string Rebuild = "rebuild";

    /// <summary>Set a store's policies (auto-refund window, SLA targets, warehouses, return addresses, service hours).</summary>
    public const string StorePolicies = "store-policies";

    /// <summary>
    /// Commands that are people's word, not a system's: an escalation's written resolution is signed by the staff who
    /// give it, so an ingest token (a connector) cannot.
    /// </summary>
    public const string StaffCommands = "staff-commands";

    /// <summary>Projection status, rebuilds and their progress: operators of every store (a <c>*</c> token) only.</summary>
    public const string ProjectionAdmin = "projection-admin";

    /// <summary>Inclusion proofs of the caller's stores' events: auditors only.</summary>
    public const string Audit = "audit";

    /// <summary>The notary's checkpoints and the check of the whole log against them: auditors of every store (a <c>*</c> token).</summary>
    public const string AuditAll = "audit-all";

    /// <summary>Append raw events, bypassing the domain.</summary>
    public const string AppendRaw = "append-raw";

    public static IServiceCollection AddOrderLedgerAccessControl(this IServiceCollection services, IConfiguration configuration)
    {
        var tokens = AccessTokens.FromConfiguration(configuration);
        services.AddSingleton(tokens);
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options =>
            {
                options.TokenValidationParameters = tokens.ValidationParameters;
                options.MapInboundClaims = false;
            });
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ForbiddenAnswers>();
        services.AddAuthorizationBuilder()
            .AddPolicy(Commands, p => p.RequireRole(Roles.Agent, Roles.Supervisor, Roles.Ingest, Roles.Admin))
            .AddPolicy(Read, p => p.RequireRole(Roles.Agent, Roles.Supervisor, Roles.Auditor, Roles.Data, Roles.Admin))
            .AddPolicy(ReadLog, p => p.RequireRole(Roles.Auditor, Roles.Supervisor, Roles.Data, Roles.Admin))
            .AddPolicy(ReadAll, p => p.RequireRole(Roles.Data, Roles.Admin))
            .AddPolicy(Rebuild, p => p.RequireRole(Roles.Data, Roles.Admin))
            .AddPolicy(StorePolicies, p => p.RequireRole(Roles.Supervisor, Roles.Admin))
            .AddPolicy(StaffCommands, p => p.RequireRole(Roles.Agent, Roles.Supervisor, Roles.Admin))
            .AddPolicy(ProjectionAdmin, p => p.RequireRole(Roles.Data, Roles.Admin).RequireClaim(AccessTokens.StoreClaim, AccessTokens.AllStores))
            .AddPolicy(Audit, p => p.RequireRole(Roles.Auditor))
            .AddPolicy(AuditAll, p => p.RequireRole(Roles.Auditor).RequireClaim(AccessTokens.StoreClaim, AccessTokens.AllStores))
            .AddPolicy(AppendRaw, p => p.RequireRole(Roles.Admin));
        return services;
    }
}
