using OrderLedger.Audit;

namespace OrderLedger.Cli.Verbs;

/// <summary><c>ledger verify [--stream &lt;id&gt; | --all]</c>: exit 0 only when the chain is intact.</summary>
public static class VerifyVerb
{
    public const int BrokenExitCode = 3;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var parsed = CliArguments.Parse("ledger verify", args, ["--stream", "--connection"], ["--all"]);
        if (parsed.Positional.Count > 0)
        {
            throw new CliException($"ledger verify: unexpected argument '{parsed.Positional[0]}'; use --stream <id> or --all.");
        }

        var stream = parsed.Value("--stream");
        if (stream is not null && parsed.Has("--all"))
        {
            throw new CliException("ledger verify: use --stream <id> or --all, not both.");
        }

        await using var services = CliServices.Create(parsed.Value("--connection"));
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

        if (report.FirstBreak is { } first)
        {
            await output.WriteLineAsync($"{report.Breaks.Count} break(s); the first position affected is {first.Position} ({first.StreamId} revision {first.Revision})");
            return BrokenExitCode;
        }

        await output.WriteLineAsync("intact: every hash chains to its predecessor");
        return 0;
    }
}
