using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using OrderLedger.Audit.Notary;

namespace OrderLedger.Cli.Verbs;

/// <summary><c>ledger proof &lt;stream&gt; &lt;revision&gt;</c> and <c>ledger verify-proof &lt;file&gt; --public-key &lt;file&gt;</c>.</summary>
public static class ProofVerb
{
    public const int RefutedExitCode = 3;

    public static async Task<int> ProveAsync(CliCall call)
    {
        var parsed = call.Parse(["--out", "--connection"], []);
        if (parsed.Positional.Count != 2 || !ulong.TryParse(parsed.Positional[1], NumberStyles.None, CultureInfo.InvariantCulture, out var revision))
        {
            throw new CliException($"{call.Command}: name a stream and a revision, e.g. {call.Command} order-1001 0.");
        }

        await using var services = NotaryVerb.Create(parsed.Value("--connection"));
        var (proof, problem) = await services.Services.GetRequiredService<LogAuditor>().ProveAsync(parsed.Positional[0], revision, call.CancellationToken);
        if (proof is null)
        {
            throw new CliException($"{call.Command}: {problem}", CliException.FailureExitCode);
        }

        if (parsed.Value("--out") is { } path)
        {
            await File.WriteAllTextAsync(path, proof.ToJson(), call.CancellationToken);
            await call.Output.WriteLineAsync($"wrote {path}: leaf {proof.LeafIndex} of the tree of {proof.Checkpoint.TreeSize:N0}, {proof.AuditPath.Count} hashes");
        }
        else
        {
            await call.Output.WriteLineAsync(proof.ToJson());
        }

        return 0;
    }

    public static async Task<int> VerifyAsync(CliCall call)
    {
        var parsed = call.Parse(["--public-key"], []);
        if (parsed.Positional.Count != 1)
        {
            throw new CliException($"{call.Command}: name one proof file (from ledger proof).");
        }

        var key = NotaryVerb.ReadPublicKey(call.Command, parsed.Value("--public-key") ?? CliServices.Configuration()["Notary:PublicKeyFile"]);
        var proof = NotaryVerb.ReadFile(call.Command, parsed.Positional[0], path => InclusionProof.FromJson(File.ReadAllText(path)));

        if (proof.Refutation(key) is { } refuted)
        {
            await call.Output.WriteLineAsync($"REFUTED: {refuted}");
            return RefutedExitCode;
        }

        await call.Output.WriteLineAsync(
            $"verified: {proof.Event.StreamId} revision {proof.Event.Revision} is leaf {proof.LeafIndex} of the tree of {proof.Checkpoint.TreeSize:N0} signed by key {key.KeyId} at {proof.Checkpoint.Time:O}");
        return 0;
    }
}
