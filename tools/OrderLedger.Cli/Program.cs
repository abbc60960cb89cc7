using Npgsql;
using OrderLedger.Cli;
using OrderLedger.Cli.Verbs;
using OrderLedger.EventStore;

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
            new("verify", "[--stream <id> | --all]", "re-walk the hash chain; exit 0 only when intact (3 when broken)",
                call => VerifyVerb.RunAsync(call.Args, call.Output, call.Error)),
            new("token", "--role <role> --store <id>[,<id>] [--hours 8] [--subject <name>]", $"a development bearer token (roles: {string.Join(", ", OrderLedger.Hosting.Roles.All)})",
                call => TokenVerb.RunAsync(call.Args, call.Output, TimeProvider.System)),
            CliVerb.Group("projections", "operate the projections (ledger projections --help)", ProjectionsVerb.Verbs),
            new("seed", "[--stores 3] [--customers 20000] [--orders 100000] [--days 30] [--seed 42] [--start <date>]", "a realistic, deterministic month of operations",
                call => SeedVerb.RunAsync(call.Args, call.Output, call.Error, call.CancellationToken)),
        ];

        private const string CommonOptions = "common options: --connection <postgres connection string>";

        public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
        {
            try
            {
                return await CliVerbs.DispatchAsync(Command, Verbs, new CliCall(Command, args, output, error, CancellationToken.None), CommonOptions);
            }
            catch (CliException ex)
            {
                await error.WriteLineAsync(ex.Message);
                return ex.ExitCode;
            }
            catch (Exception ex) when (ex is NpgsqlException or EventStoreUnavailableException or System.Net.Sockets.SocketException or TimeoutException)
            {
                await error.WriteLineAsync($"ledger: cannot reach the event store: {FirstLine(ex.Message)}");
                return CliException.FailureExitCode;
            }
        }

        private static string FirstLine(string message) => message.Split('\n')[0].Trim();
    }
}
