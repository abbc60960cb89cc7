using Snapshooter.Xunit;
using Xunit;

namespace OrderLedger.Cli.Tests;

/// <summary>
/// What the command line prints, as approved snapshots (<c>__snapshots__/</c> beside this file): every verb's help and
/// the usage mistakes. Scripts and runbooks read this text, so a change must be deliberate: a mismatch fails and leaves
/// the new text in <c>__snapshots__/__mismatch__/</c>; approve it by moving that file over the old one.
/// </summary>
public sealed class CliContractSnapshotTests
{
    [Fact]
    public async Task Every_help_text_is_as_approved()
    {
        var texts = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["ledger --help"] = (await CliHarness.Run("--help")).Output,
        };
        var verbs = LedgerCli.Verbs.SelectMany(verb => (verb.Verbs ?? []).Select(inner => new[] { verb.Name, inner.Name }).Prepend([verb.Name]));
        foreach (var verb in verbs)
        {
            var run = await CliHarness.Run([.. verb, "--help"]);
            texts[$"ledger {string.Join(' ', verb)} --help"] = $"exit {run.ExitCode}\n{run.Output}{run.Error}";
        }

        Snapshot.Match(texts);
    }

    [Fact]
    public async Task Every_usage_mistake_answer_is_as_approved()
    {
        string[][] mistakes =
        [
            [],
            ["explode"],
            ["replay"],
            ["replay", "--bogus"],
            ["replay", "order-1", "--at", "yesterday"],
            ["replay", "order-1", "--format", "xml"],
            ["token", "--role"],
            ["token", "--role", "emperor"],
            ["projections", "frobnicate"],
            ["projections", "rebuild"],
        ];
        var answers = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var args in mistakes)
        {
            var run = await CliHarness.Run(args);
            answers[$"ledger {string.Join(' ', args)}".TrimEnd()] = $"exit {run.ExitCode}\nstdout: {run.Output}\nstderr: {run.Error}";
        }

        Snapshot.Match(answers);
    }
}
