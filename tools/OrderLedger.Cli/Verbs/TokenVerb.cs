using Microsoft.Extensions.Configuration;
using OrderLedger.Hosting;

namespace OrderLedger.Cli.Verbs;

/// <summary><c>ledger token --role agent --store s1[,s2] [--hours 8] [--subject name]</c>: a development bearer token.</summary>
public static class TokenVerb
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TimeProvider clock)
    {
        var parsed = CliArguments.Parse("ledger token", args, ["--role", "--store", "--hours", "--subject", "--signing-key"], []);
        var roles = Split(parsed.Value("--role"));
        var stores = Split(parsed.Value("--store"));
        if (roles.Count == 0)
        {
            throw new CliException($"ledger token: --role is required ({string.Join(", ", Roles.All)}).");
        }

        if (roles.FirstOrDefault(r => !Roles.All.Contains(r)) is { } unknown)
        {
            throw new CliException($"ledger token: unknown role '{unknown}'; roles are {string.Join(", ", Roles.All)}.");
        }

        if (stores.Count == 0)
        {
            throw new CliException("ledger token: --store is required (one or more store ids separated by commas, or * for every store).");
        }

        var hours = 8.0;
        if (parsed.Value("--hours") is { } hoursText && (!double.TryParse(hoursText, System.Globalization.CultureInfo.InvariantCulture, out hours) || hours is <= 0 or > 24 * 30))
        {
            throw new CliException($"ledger token: --hours must be a number of hours between 0 and 720, not '{hoursText}'.");
        }

        var key = parsed.Value("--signing-key") ?? CliServices.Configuration()[AccessTokens.SigningKeySetting];
        AccessTokens tokens;
        try
        {
            tokens = new AccessTokens(key ?? "");
        }
        catch (InvalidOperationException ex)
        {
            throw new CliException($"ledger token: {ex.Message}", CliException.FailureExitCode);
        }

        var subject = parsed.Value("--subject") ?? $"{roles[0]}-dev";
        await output.WriteLineAsync(tokens.Issue(subject, roles, stores, TimeSpan.FromHours(hours), clock.GetUtcNow()));
        return 0;
    }

    private static List<string> Split(string? value) =>
        (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
