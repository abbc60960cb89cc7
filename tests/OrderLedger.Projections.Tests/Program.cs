using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OrderLedger.EventStore.Postgres;
using OrderLedger.Projections.Runtime;
using OrderLedger.Projections.Tests.Support;

namespace OrderLedger.Projections.Tests;

/// <summary>
/// The test worker: the same hosting as <c>OrderLedger.Projector</c> (AddProjections + the hosted service) with the
/// tests' ledger projection, started as a real child process by the crash and takeover tests:
/// <c>dotnet OrderLedger.Projections.Tests.dll worker</c>, configured through environment variables.
/// </summary>
public static class Program
{
    public const string ConnectionVariable = "LEDGER_WORKER_PG";
    public const string InstanceVariable = "LEDGER_WORKER_INSTANCE";
    public const string SleepVariable = "LEDGER_WORKER_SLEEP_MS";
    public const string BatchVariable = "LEDGER_WORKER_BATCH";

    public static async Task<int> Main(string[] args)
    {
        if (args is not ["worker"])
        {
            await Console.Error.WriteLineAsync("usage: OrderLedger.Projections.Tests worker (environment: LEDGER_WORKER_PG, LEDGER_WORKER_INSTANCE, ...)");
            return 2;
        }

        var instance = Environment.GetEnvironmentVariable(InstanceVariable) ?? "worker";
        var connectionString = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable(ConnectionVariable)) { ApplicationName = ApplicationName(instance) }.ConnectionString;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information);
        builder.Services.AddPostgresEventStore(new PostgresEventStoreOptions { ConnectionString = connectionString });
        builder.Services.AddSingleton(TestEvents.CreateRegistry());
        builder.Services.AddProjections(options =>
            {
                options.ConnectionString = connectionString;
                options.InstanceName = instance;
                options.BatchSize = int.TryParse(Environment.GetEnvironmentVariable(BatchVariable), out var batch) ? batch : 500;
                // Catching up in batches of the same size: the crash tests need many batch transactions to kill inside.
                options.CatchUpBatchSize = options.BatchSize;
                options.LockRetryInterval = TimeSpan.FromMilliseconds(500);
                options.ControlInterval = TimeSpan.FromMilliseconds(500);
            })
            .Add(new LedgerProjection { MidBatchSleepMs = int.TryParse(Environment.GetEnvironmentVariable(SleepVariable), out var sleep) ? sleep : 0 });
        using var host = builder.Build();
        await host.RunAsync();
        return 0;
    }

    public static string ApplicationName(string instance) => "ledger-worker-" + instance;
}
