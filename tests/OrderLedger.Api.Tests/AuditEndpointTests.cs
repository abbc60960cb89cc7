using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using OrderLedger.Audit.Notary;
using OrderLedger.Domain;
using OrderLedger.EventStore;
using OrderLedger.Hosting;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>The auditor's endpoints over what a notary signed: the newest checkpoint, a proof that checks offline, the whole-log check.</summary>
public sealed class AuditEndpointTests(AuditEndpointTests.NotaryHost host) : IClassFixture<AuditEndpointTests.NotaryHost>
{
    public sealed class NotaryHost() : ApiHost(new Dictionary<string, string> { ["Notary:PublicKeyFile"] = PublicKeyFile })
    {
        public static readonly string PublicKeyFile = Path.Combine(Path.GetTempPath(), $"orderledger-notary-{Guid.NewGuid():N}.pub");
    }

    [Fact]
    public async Task An_auditor_gets_the_checkpoint_a_proof_that_verifies_offline_and_a_consistent_log()
    {
        var scenario = await Scenario.StoreWithStockAsync(host.Client);
        using var key = NotaryKey.Generate();
        await File.WriteAllTextAsync(NotaryHost.PublicKeyFile, key.Public.Pem);
        var exportDirectory = Directory.CreateTempSubdirectory("notary-api-").FullName;
        var notary = new LogNotary(host.Services.GetRequiredService<IEventStore>(), host.Services.GetRequiredService<NotaryStore>(), key, new NotaryOptions(exportDirectory), TimeProvider.System);
        var signed = await notary.RunOnceAsync();

        using var auditor = host.As(Roles.Auditor);
        using var storeAuditor = host.As(Roles.Auditor, scenario.StoreId);
        var checkpoint = await auditor.GetFromJsonAsync<SignedCheckpoint>("/api/audit/checkpoint");
        var proof = InclusionProof.FromJson(await storeAuditor.GetStringAsync($"/api/audit/proofs/{StreamIds.Store(scenario.StoreId)}/0"));
        var consistency = await auditor.GetFromJsonAsync<CheckpointReport>("/api/audit/consistency");
        var storeScoped = await storeAuditor.GetAsync("/api/audit/consistency");

        Assert.Equal(signed!.RootHash, checkpoint!.RootHash);
        Assert.True(checkpoint.IsSignedBy(key.Public));
        Assert.Null(proof.Refutation(key.Public));
        Assert.Equal(StreamIds.Store(scenario.StoreId), proof.Event.StreamId);
        Assert.True(consistency!.Consistent, consistency.Summary);
        Assert.Equal(HttpStatusCode.Forbidden, storeScoped.StatusCode);
        Directory.Delete(exportDirectory, recursive: true);
        File.Delete(NotaryHost.PublicKeyFile);
    }
}
