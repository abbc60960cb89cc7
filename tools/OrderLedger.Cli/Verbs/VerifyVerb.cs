using Microsoft.Extensions.DependencyInjection;
using OrderLedger.Audit;
using OrderLedger.Audit.Notary;

namespace OrderLedger.Cli.Verbs;

/// <summary>
/// <c>ledger verify [--stream &lt;id&gt; | --all] [--checkpoint &lt;file&gt; --public-key &lt;file&gt;]</c>: exit 0 only when
/// every chain is intact and (with a checkpoint) the log is consistent with what the notary signed.
/// </summary>
public static class VerifyVerb
{
    public const int BrokenExitCode = 3;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var parsed = CliArguments.Parse("ledger verify", args, ["--stream", "--connection", "--checkpoint", "--public-key"], ["--all"]);
        if (parsed.Positional.Count > 0)
        {
            throw new CliException($"ledger verify: unexpected argument '{parsed.Positional[0]}'; use --stream <id> or --all.");
        }

        var stream = parsed.Value("--stream");
        if (stream is not null && parsed.Has("--all"))
        {
            throw new CliException("ledger verify: use --stream <id> or --all, not both.");
        }

        var checkpointFile = parsed.Value("--checkpoint");
        if (stream is not null && checkpointFile is not null)
        {
            throw new CliException("ledger verify: a checkpoint covers the whole log; use --checkpoint without --stream.");
        }

        var (checkpoint, publicKey) = checkpointFile is null ? (null, null) : ReadCheckpoint(checkpointFile, parsed.Value("--public-key"));
        await using var services = checkpoint is null ? CliServices.Create(parsed.Value("--connection")) : NotaryVerb.Create(parsed.Value("--connection"));
        var verifier = new ChainVerifier(services.Store);
        var report = stream is not null
            ? await verifier.VerifyStreamAsync(stream)
            : await verifier.VerifyAllAsync(new Progress<long>(n => error.WriteLine($"verify: {n:N0} events checked…")));
        if (stream is not null && report.EventsChecked == 0)
        {
            throw new CliException($"ledger verify: stream '{stream}' not found.", CliException.FailureExitCode);
        }

        await output.WriteLineAsync($"checked {report.EventsChecked:N0} events in {report.StreamsChecked:N0} streams");
        foreach (var broken in report.Breaks)
        {
            await output.WriteLineAsync(
                $"BROKEN at {broken.StreamId} revision {broken.Revision} (position {broken.Position}): expected {broken.Expected}, found {broken.Found}");
        }

        var consistent = true;
        if (checkpoint is not null)
        {
            var checkedAgainst = await services.Services.GetRequiredService<LogAuditor>().CheckAsync(checkpoint, publicKey!);
            await output.WriteLineAsync($"checkpoint {checkpointFile} (tree size {checkpoint.TreeSize:N0}, signed {checkpoint.Time:O}): {checkedAgainst.Summary}");
            consistent = checkedAgainst.Consistent;
        }

        if (report.FirstBreak is { } first)
        {
            await output.WriteLineAsync($"{report.Breaks.Count} break(s); the first position affected is {first.Position} ({first.StreamId} revision {first.Revision})");
            return BrokenExitCode;
        }

        if (!consistent)
        {
            return BrokenExitCode;
        }

        await output.WriteLineAsync("intact: every hash chains to its predecessor");
        return 0;
    }

    private static (SignedCheckpoint, NotaryPublicKey) ReadCheckpoint(string path, string? publicKeyPath)
    {
        var key = NotaryVerb.ReadPublicKey("ledger verify", publicKeyPath ?? CliServices.Configuration()["Notary:PublicKeyFile"]);
        return (NotaryVerb.ReadFile("ledger verify", path, file => SignedCheckpoint.FromJson(File.ReadAllText(file))), key);
    }
}
