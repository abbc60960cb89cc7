using Npgsql;
using OrderLedger.Cli;
using OrderLedger.Cli.Verbs;
using OrderLedger.EventStore;

return await LedgerCli.RunAsync(args, Console.Out, Console.Error);

namespace OrderLedger.Cli
{
    public static class LedgerCli
    {
        public const string Usage = """
            usage: ledger <verb> [options]
              replay <stream> [--at <timestamp>] [--format table|json]   events with the state after each
              verify [--stream <id> | --all]                             re-walk the hash chain; exit 0 only when intact
              token --role <role> --store <id>[,<id>] [--hours 8]        a development bearer token (roles: agent, supervisor, auditor, data, ingest, admin)
              projections status                                         every projection: state, checkpoint, lag, rate, error
              projections rebuild <name> [--wait]                        blue/green rebuild; --wait follows it with a progress bar
              projections resume <name>                                  clear a fault so the active projector retries
              projections retry <name>                                   apply the parked events again (removes those that succeed)
              seed [--stores 3] [--customers 20000] [--orders 100000] [--days 30] [--seed 42] [--start <date>]
                                                                         a realistic, deterministic month of operations
            common options: --connection <postgres connection string>
            """;

        public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
        {
            if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
            {
                await output.WriteLineAsync(Usage);
                return args.Length == 0 ? CliException.UsageExitCode : 0;
            }

            try
            {
                return args[0] switch
                {
                    "replay" => await ReplayVerb.RunAsync(args[1..], output),
                    "verify" => await VerifyVerb.RunAsync(args[1..], output, error),
                    "token" => await TokenVerb.RunAsync(args[1..], output, TimeProvider.System),
                    "projections" => await ProjectionsVerb.RunAsync(args[1..], output, error),
                    "seed" => await SeedVerb.RunAsync(args[1..], output, error),
                    _ => throw new CliException($"ledger: unknown verb '{args[0]}'. Verbs: replay, verify, token, projections, seed (ledger --help)."),
                };
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
