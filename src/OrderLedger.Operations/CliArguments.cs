namespace OrderLedger.Operations;

/// <summary>A user mistake on the command line or in the environment: one line on stderr, a non-zero exit.</summary>
public sealed class CliException(string message, int exitCode = CliException.UsageExitCode) : Exception(message)
{
    public const int UsageExitCode = 2;
    public const int FailureExitCode = 1;

    public int ExitCode { get; } = exitCode;
}

/// <summary>Positional arguments and <c>--name value</c> / <c>--flag</c> options, checked against what a verb accepts.</summary>
public sealed class CliArguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly List<string> _positional = [];

    private CliArguments()
    {
    }

    public IReadOnlyList<string> Positional => _positional;

    /// <param name="command">How the user called the verb, e.g. <c>ledger verify</c>: messages start with it.</param>
    /// <param name="valueOptions">Options that take a value, e.g. <c>--stream</c>.</param>
    /// <param name="flags">Options without a value, e.g. <c>--all</c>.</param>
    public static CliArguments Parse(string command, IReadOnlyList<string> args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string> flags)
    {
        var parsed = new CliArguments();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                parsed._positional.Add(arg);
                continue;
            }

            if (flags.Contains(arg))
            {
                parsed._options[arg] = null;
            }
            else if (valueOptions.Contains(arg))
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new CliException($"{command}: option {arg} needs a value.");
                }

                parsed._options[arg] = args[++i];
            }
            else
            {
                throw new CliException($"{command}: unknown option '{arg}' ({command} --help).");
            }
        }

        return parsed;
    }

    public bool Has(string option) => _options.ContainsKey(option);

    public string? Value(string option) => _options.GetValueOrDefault(option);
}
