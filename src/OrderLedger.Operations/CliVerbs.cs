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

    /// <summary>Every verb on one line each: name and synopsis, then the summary.</summary>
    public static string Usage(string command, IReadOnlyList<CliVerb> verbs, string? footer = null)
    {
        var width = verbs.Max(v => $"{v.Name} {v.Synopsis}".Length);
        var lines = new List<string> { $"usage: {command} <verb> [options]   ({command} <verb> --help for one verb)" };
        lines.AddRange(verbs.Select(v => $"  {$"{v.Name} {v.Synopsis}".PadRight(width)}   {v.Summary}"));
        if (footer is not null)
        {
            lines.Add(footer);
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static string Names(IEnumerable<CliVerb> verbs) => string.Join(", ", verbs.Select(v => v.Name));
}
