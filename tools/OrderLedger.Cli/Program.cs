using OrderLedger.Cli;
using OrderLedger.Cli.Verbs;

return await LedgerCli.RunAsync(args, Console.Out, Console.Error);

namespace OrderLedger.Cli
{
    public static class LedgerCli
    {
        public const string Command = "ledger";

        /// <summary>Every verb of <c>ledger</c>; <c>ledger &lt;verb&gt; --help</c> prints one row.</summary>
        public static IReadOnlyList<CliVerb> Verbs { get; } =
        [
            new("replay", "<stream> [--at <timestamp>] [--format table|json]", "events with the state after each; --at gives the state as of a moment",
                call => ReplayVerb.RunAsync(call.Args, call.Output)),
            new("verify", "[--stream <id> | --all] [--checkpoint <file> --public-key <file>]",
                "re-walk the hash chains, listing every break; with a signed checkpoint, prove the log extends it; exit 0 only when intact (3 when broken)",
                call => VerifyVerb.RunAsync(call.Args, call.Output, call.Error)),
            CliVerb.Group("notary", "the notary: its key and the signed checkpoints of $all (ledger notary --help)", NotaryVerb.Verbs),
            new("proof", "<stream> <revision> [--out <file>]", "an inclusion proof (JSON) of one event against the newest signed checkpoint",
                ProofVerb.ProveAsync),
            new("verify-proof", "<file> --public-key <file>", "check an inclusion proof offline with only the notary's public key (exit 3 when refuted)",
                ProofVerb.VerifyAsync),
            new("token", "--role <role> --store <id>[,<id>] [--hours 8] [--subject <name>]", $"a development bearer token (roles: {string.Join(", ", OrderLedger.Hosting.Roles.All)})",
                call => TokenVerb.RunAsync(call.Args, call.Output, TimeProvider.System)),
            CliVerb.Group("projections", "operate the projections (ledger projections --help)", ProjectionsVerb.Verbs),
            new("seed", "[--stores 3] [--customers 20000] [--orders 100000] [--days 30] [--seed 42] [--start <date>]", "a realistic, deterministic month of operations",
                call => SeedVerb.RunAsync(call.Args, call.Output, call.Error, call.CancellationToken)),
        ];

        private const string CommonOptions = "common options: --connection <postgres connection string>";

        public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) =>
            CliVerbs.RunAsync(Command, Verbs, args, output, error, CommonOptions);
    }
}
