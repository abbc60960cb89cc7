using System.Security.Claims;
using Npgsql;
using OrderLedger.Api.Security;
using OrderLedger.Audit.Notary;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Postgres;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Hosting;

namespace OrderLedger.Api.Queries;

/// <summary>
/// For auditors only (docs/audit.md): the newest checkpoint the notary signed, an event's inclusion proof against it
/// (store-bound: it carries the event), and the check of the whole log against it (a <c>*</c> token: it spans stores).
/// The checkpoint check uses the public key of <c>Notary:PublicKeyFile</c>, never one stored in the database.
/// </summary>
public static class AuditQueryEndpoints
{
    public static IServiceCollection AddAuditQueries(this IServiceCollection services, IConfiguration configuration)
    {
        // The notary's tables live in the PostgreSQL database of the log; its pool is the process's one pool of that database.
        services.AddPostgresDataSources();
        services.AddSingleton(sp => new NotaryStore(sp.GetRequiredKeyedService<NpgsqlDataSource>(configuration.GetConnectionString("Postgres") ?? "")));
        services.AddSingleton<LogAuditor>();
        services.AddSingleton(new NotaryKeyConfiguration(configuration["Notary:PublicKeyFile"]));
        return services;
    }

    public static void MapAuditQueries(this IEndpointRouteBuilder app)
    {
        var audit = app.MapGroup("/api/audit").WithUnavailableAs503().WithTags("Audit");
        audit.MapGet("/checkpoint", async (NotaryStore notary, CancellationToken ct) =>
                await notary.NewestCheckpointAsync(ct) is { } checkpoint ? Results.Ok(checkpoint) : ApiProblems.NotFound("A signed checkpoint"))
            .RequireAuthorization(Policies.AuditAll)
            .WithSummary("The newest checkpoint the notary signed: tree size, Merkle root, last position, time, Ed25519 signature.")
            .Produces<SignedCheckpoint>().ProducesProblem(404);
        audit.MapGet("/proofs/{streamId}/{revision}", async (string streamId, ulong revision, ClaimsPrincipal user, IEventStore store, LogAuditor auditor, CancellationToken ct) =>
            {
                var first = await store.ReadStreamAsync(streamId, new StreamReadOptions(ReadDirection.Forwards, null, 1), ct).FirstOrDefaultAsync(ct);
                if (first is null || !user.CanSee(EventCodec.DecodeMetadata(first.Metadata)?.StoreId))
                {
                    return ApiProblems.NotFound($"Stream '{streamId}'");
                }

                var (proof, problem) = await auditor.ProveAsync(streamId, revision, ct);
                return proof is not null ? Results.Ok(proof) : ApiProblems.NotFound($"An inclusion proof: {problem}");
            })
            .RequireAuthorization(Policies.Audit)
            .WithSummary("An inclusion proof of one event against the newest checkpoint; check it offline with `ledger verify-proof`.")
            .Produces<InclusionProof>().ProducesProblem(404);
        audit.MapGet("/consistency", async (NotaryStore notary, LogAuditor auditor, NotaryKeyConfiguration keys, CancellationToken ct) =>
            {
                if (keys.PublicKey() is not { } key)
                {
                    return ApiProblems.NotFound("The notary's public key (Notary:PublicKeyFile)");
                }

                return await notary.NewestCheckpointAsync(ct) is { } checkpoint
                    ? Results.Ok(await auditor.CheckAsync(checkpoint, key, ct))
                    : ApiProblems.NotFound("A signed checkpoint");
            })
            .RequireAuthorization(Policies.AuditAll)
            .WithSummary("Recomputes the Merkle tree of $all up to the newest checkpoint and compares it with the signed root.")
            .Produces<CheckpointReport>().ProducesProblem(404);
    }
}

/// <summary>Where the notary's public key is read from: a file the operator places, outside the database.</summary>
public sealed record NotaryKeyConfiguration(string? PublicKeyFile)
{
    public NotaryPublicKey? PublicKey() => PublicKeyFile is { Length: > 0 } path && File.Exists(path) ? NotaryPublicKey.ReadFrom(path) : null;
}
