using Npgsql;
using OrderLedger.EventStore;

namespace OrderLedger.Operations;

/// <summary>One run of a verb: the command line that names it (for messages), its arguments and where it prints.</summary>
/// <param name="Command">How the user called it, e.g. <c>ledger projections rebuild</c>: every message starts with it.</param>
public sealed record CliCall(string Command, string[] Args, TextWriter Output, TextWriter Error, CancellationToken CancellationToken)
{
    /// <param name="valueOptions">Options that take a value, e.g. <c>--connection</c>.</param>
    /// <param name="flags">Options without a value, e.g. <c>--wait</c>.</param>
    public CliArguments Parse(IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string> flags) =>
        CliArguments.Parse(Command, Args, valueOptions, flags);
}

/// <summary>A verb of a command line: its name, what it takes, one line on what it does, and what it runs.</summary>
/// <param name="Synopsis">The arguments after the name, e.g. <c>&lt;name&gt; [--wait]</c>.</param>
/// <param name="Verbs">For a verb with verbs of its own (<c>ledger projections</c>): those, which its run dispatches to.</param>
public sealed record CliVerb(string Name, string Synopsis, string Summary, Func<CliCall, Task<int>> Run, IReadOnlyList<CliVerb>? Verbs = null)
{
    /// <summary>A verb whose first argument names one of <paramref name="verbs"/>.</summary>
    public static CliVerb Group(string name, string summary, IReadOnlyList<CliVerb> verbs) =>
        new(name, string.Join(" | ", verbs.Select(v => $"{v.Name} {v.Synopsis}".TrimEnd())), summary,
            call => CliVerbs.DispatchAsync(call.Command, verbs, call), verbs);
}

/// <summary>
/// Runs a table of verbs: <c>--help</c> (or <c>-h</c>) anywhere after a verb prints that verb's usage and exits 0; no verb
/// or an unknown one is one line on stderr and exit 2. Adding a verb is adding a row.
/// </summary>
public static class CliVerbs
{
    public static bool IsHelp(string arg) => arg is "--help" or "-h";

    /// <summary>
    /// A program's entry: dispatches <paramref name="args"/> to <paramref name="verbs"/>; a user mistake or an unreachable
    /// store is one line on <paramref name="error"/> and its exit code, never a stack trace.
    /// </summary>
    public static async Task<int> RunAsync(string command, IReadOnlyList<CliVerb> verbs, string[] args, TextWriter output, TextWriter error, string? footer = null)
    {
        try
        {
            return await DispatchAsync(command, verbs, new CliCall(command, args, output, error, CancellationToken.None), footer);
        }
        catch (CliException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return ex.ExitCode;
        }
        catch (Exception ex) when (ex is NpgsqlException or EventStoreUnavailableException or System.Net.Sockets.SocketException or TimeoutException)
        {
            await error.WriteLineAsync($"{command}: cannot reach the event store: {ex.Message.Split('\n')[0].Trim()}");
            return CliException.FailureExitCode;
        }
    }

    /// <param name="command">The program and any parent verb, e.g. <c>ledger projections</c>.</param>
    /// <param name="footer">A last line for the usage, e.g. options every verb takes.</param>
    public static Task<int> DispatchAsync(string command, IReadOnlyList<CliVerb> verbs, CliCall call, string? footer = null)
    {
        var args = call.Args;
        if (args.Length == 0)
        {
            throw new CliException($"{command}: name a verb: {Names(verbs)} ({command} --help).");
        }

        if (IsHelp(args[0]) || args[0] == "help")
        {
            call.Output.WriteLine(Usage(command, verbs, footer));
            return Task.FromResult(0);
        }

        var verb = verbs.FirstOrDefault(v => v.Name == args[0])
            ?? throw new CliException($"{command}: unknown verb '{args[0]}'; verbs: {Names(verbs)} ({command} --help).");
        var verbCommand = $"{command} {verb.Name}";
        if (verb.Verbs is null && args.Skip(1).Any(IsHelp))
        {
            call.Output.WriteLine($"usage: {verbCommand} {verb.Synopsis}".TrimEnd());
            call.Output.WriteLine($"  {verb.Summary}");
            return Task.FromResult(0);
        }

        return verb.Run(call with { Command = verbCommand, Args = args[1..] });
    }

    /// <summary>The synopses line up in one column up to this width; a longer one has its summary on the next line.</summary>
    private const int SynopsisColumn = 56;

    /// <summary>Every verb: name and synopsis, then the summary.</summary>
    public static string Usage(string command, IReadOnlyList<CliVerb> verbs, string? footer = null)
    {
        var width = verbs.Select(v => $"{v.Name} {v.Synopsis}".TrimEnd().Length).Where(w => w <= SynopsisColumn).DefaultIfEmpty(0).Max();
        var lines = new List<string> { $"usage: {command} <verb> [options]   ({command} <verb> --help for one verb)" };
        foreach (var verb in verbs)
        {
            var synopsis = $"{verb.Name} {verb.Synopsis}".TrimEnd();
            lines.Add(synopsis.Length <= width
                ? $"  {synopsis.PadRight(width)}   {verb.Summary}"
                : $"  {synopsis}{Environment.NewLine}  {new string(' ', width)}   {verb.Summary}");
        }

        if (footer is not null)
        {
            lines.Add(footer);
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static string Names(IEnumerable<CliVerb> verbs) => string.Join(", ", verbs.Select(v => v.Name));
}
