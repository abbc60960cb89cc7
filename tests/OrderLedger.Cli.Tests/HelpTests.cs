using Xunit;

namespace OrderLedger.Cli.Tests;

/// <summary><c>--help</c> on every verb, and usage mistakes as one line with exit 2 (docs/cli.md).</summary>
public sealed class HelpTests
{
    public static TheoryData<string[]> EveryVerb()
    {
        var verbs = new TheoryData<string[]>();
        foreach (var verb in LedgerCli.Verbs)
        {
            verbs.Add([verb.Name]);
            foreach (var inner in verb.Verbs ?? [])
            {
                verbs.Add([verb.Name, inner.Name]);
            }
        }

        return verbs;
    }

    [Theory]
    [MemberData(nameof(EveryVerb))]
    public async Task Every_verb_answers_help_with_its_usage_and_exit_0(string[] verb)
    {
        var run = await CliHarness.Run([.. verb, "--help"]);

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith($"usage: ledger {string.Join(' ', verb)}", run.Output, StringComparison.Ordinal);
        Assert.Empty(run.Error);
    }

    [Fact]
    public async Task Replay_help_comes_before_the_check_of_its_arguments()
    {
        var run = await CliHarness.Run("replay", "-h");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("<stream> [--at <timestamp>] [--format table|json]", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ledger_help_lists_every_verb()
    {
        var run = await CliHarness.Run("--help");

        Assert.Equal(0, run.ExitCode);
        foreach (var verb in LedgerCli.Verbs)
        {
            Assert.Matches($"(?m)^  {verb.Name} ", run.Output);
        }
    }

    [Theory]
    [InlineData]
    [InlineData("explode")]
    [InlineData("replay", "--bogus")]
    [InlineData("token", "--role")]
    public async Task Usage_mistakes_are_one_line_on_stderr_and_exit_2(params string[] args)
    {
        var run = await CliHarness.Run(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.StartsWith("ledger", run.Error, StringComparison.Ordinal);
    }
}
