using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrderLedger.Hosting;
using OrderLedger.Operations;
using OrderLedger.Reactors;
using OrderLedger.Reactors.Alerts;
using OrderLedger.Reactors.Assignment;

// The standalone projector: the same hosted service the API host runs, without HTTP. Several copies may run; each
// projection is active in one of them and the others stand by (docs/projections.md). Its other verbs are
// `ledger projections`'s, one implementation: same columns, same --wait, same exit codes.
return await ProjectorCli.RunAsync(args, Console.Out, Console.Error);

internal static class ProjectorCli
{
    private const string Command = "OrderLedger.Projector";

    /// <summary>Whether <c>run</c> runs the reactors (timers, alerts, assignment, reservation recovery) beside the projections; default true.</summary>
    public const string RunReactorsKey = "Reactors:Run";

    private const string Options =
        "status, rebuild and resume take --connection <postgres connection string>; run takes host settings, e.g. --Projections:Only=orders";

    private static IReadOnlyList<CliVerb> Verbs { get; } =
    [
        new("run", "", "run the projectors and reactors until stopped (the default)", RunProjectorsAsync),
        .. ProjectionsVerb.Verbs,
    ];

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) =>
        CliVerbs.RunAsync(Command, Verbs, StartsWithHostSettings(args) ? ["run", .. args] : args, output, error, Options);

    /// <summary>No verb, or host settings only (<c>--Projections:Only=orders</c>, <c>Projections:Only=orders</c>): run, as before.</summary>
    private static bool StartsWithHostSettings(string[] args) =>
        args.Length == 0 || args[0].Contains('=', StringComparison.Ordinal) || (args[0].StartsWith("--", StringComparison.Ordinal) && !CliVerbs.IsHelp(args[0]));

    /// <summary>
    /// The host's builder, rooted beside the executable like the CLI (docs/cli.md): its <c>appsettings.json</c> is read from
    /// wherever it is started, and the settings' change watcher covers only that folder. Rooted in the current directory,
    /// started from a checkout, it watched every folder below it (874 in this repository, the database's among them), and
    /// its thread took 3 % of the projector's CPU in a rebuild.
    /// </summary>
    internal static HostApplicationBuilder CreateHostBuilder(string[] args) =>
        Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });

    /// <remarks>Arguments go to the host's configuration (command-line provider), e.g. <c>--Projections:Only=orders</c>.</remarks>
    private static async Task<int> RunProjectorsAsync(CliCall call)
    {
        var builder = CreateHostBuilder(call.Args);
        builder.Services.AddOrderLedgerProjections(builder.Configuration);
        builder.Services.AddOrderLedgerEventStore(builder.Configuration);
        builder.Services.AddOrderLedgerCommandHandling(builder.Configuration);
        // Reactors:Run=false: the read models only (the reactors' timers and the alerts tables among them), nothing that
        // appends to the log — beside API hosts that run the reactors, or where the log must stay as it is while it is
        // read (the catch-up benchmark measures the build against the head).
        if (builder.Configuration.GetValue(RunReactorsKey, true))
        {
            builder.Services.AddReactors(o => o.Bind(builder.Configuration));
            builder.Services.AddAlerts(builder.Configuration);
            builder.Services.AddAssignment();
        }

        using var host = builder.Build();
        await host.RunAsync(call.CancellationToken);
        return 0;
    }
}
