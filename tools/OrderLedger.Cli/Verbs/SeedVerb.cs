using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OrderLedger.Application;
using OrderLedger.Cli.Seeding;
using OrderLedger.EventStore;
using OrderLedger.Hosting;

namespace OrderLedger.Cli.Verbs;

/// <summary>
/// <c>ledger seed [--stores 3] [--customers 20000] [--orders 100000] [--days 30] [--seed 42] [--start yyyy-MM-dd]</c>:
/// a realistic month of operations, appended through the command handlers (<see cref="CommandService"/>), so every
/// business rule holds and every stream is hash-chained. Deterministic: the same options give the same events.
/// </summary>
public static class SeedVerb
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var parsed = CliArguments.Parse("ledger seed", args, ["--stores", "--customers", "--orders", "--days", "--seed", "--start", "--connection"], []);
        if (parsed.Positional.Count > 0)
        {
            throw new CliException($"ledger seed: unexpected argument '{parsed.Positional[0]}'.");
        }

        var days = Number(parsed, "--days", 30, 1, 366);
        var start = parsed.Value("--start") is { } text
            ? DateTimeOffset.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsedStart)
                ? parsedStart
                : throw new CliException($"ledger seed: --start '{text}' is not a date (yyyy-MM-dd).")
            : new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-days);
        var options = new SeedOptions(
            Number(parsed, "--stores", 3, 1, 50),
            Number(parsed, "--customers", 20_000, 1, 10_000_000),
            Number(parsed, "--orders", 100_000, 1, 50_000_000),
            days,
            Number(parsed, "--seed", 42, 0, int.MaxValue),
            start);

        var (connection, owner) = Connections(parsed.Value("--connection"), CliServices.Configuration());
        await using var services = CliServices.Create(connection, (collection, _) =>
        {
            // Reads come from the seeder's own write-through cache; appends go to the configured store.
            var store = collection.Single(d => d.ServiceType == typeof(IEventStore));
            collection.Remove(store);
            collection.AddSingleton(sp => new CachingEventStore(store.ImplementationFactory is { } factory ? (IEventStore)factory(sp) : (IEventStore)store.ImplementationInstance!));
            collection.AddSingleton<IEventStore>(sp => sp.GetRequiredService<CachingEventStore>());
            collection.AddOrderLedgerApplication();
        }, owner);
        foreach (var hosted in services.Services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(cancellationToken); // the embedded store's schema migration
        }

        var commands = services.Services.GetRequiredService<CommandService>();
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"seeding {options.Stores} stores, {options.Customers:N0} customers, {options.Orders:N0} orders over {options.Days} days from {options.Start:yyyy-MM-dd} (seed {options.Seed}, ids {options.Prefix}…)"));
        var display = new ProgressDisplay(output, ProgressDisplay.IsTerminal(output));
        var summary = await Seeder.RunAsync(commands, options, (counters, elapsed) =>
        {
            var rate = elapsed.TotalSeconds > 0 ? counters.Events / elapsed.TotalSeconds : 0;
            var done = counters.OrdersDone;
            TimeSpan? eta = done > 0 ? TimeSpan.FromSeconds(elapsed.TotalSeconds * (options.Orders - done) / done) : null;
            display.Report("seed", done, options.Orders, rate, eta, unit: string.Create(CultureInfo.InvariantCulture, $" orders, {counters.Events:N0} events"));
        }, cancellationToken);
        display.Finish();

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"seeded {summary.Events:N0} events from {summary.Commands:N0} commands in {summary.Elapsed.TotalSeconds:0.0} s ({summary.EventsPerSecond:N0} events/s): {summary.OrdersPlaced:N0} orders placed, {summary.OrdersRejected:N0} rejected for stock"));
        if (summary.Refusals.Count > 0)
        {
            await output.WriteLineAsync("refused on purpose or by the rules: " + string.Join(", ", summary.Refusals.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} {r.Value:N0}")));
        }

        return 0;
    }

    /// <summary>
    /// The embedded store's connection with <c>synchronous_commit=off</c> for this session only: a bulk load need not wait
    /// for each commit to reach the disk (a crash loses at most the last moments, and a re-run with the same seed fills
    /// them in, as every command id is deterministic). Other sessions keep the server's setting. Without
    /// <paramref name="connectionOption"/> the configured owner connection still runs the migrations: the schema must
    /// belong to the owner role, or the host (which migrates as the owner) cannot use the seeded database.
    /// </summary>
    public static (string? Connection, string? Owner) Connections(string? connectionOption, IConfiguration configuration)
    {
        var connection = connectionOption ?? configuration.GetConnectionString("Postgres");
        var owner = connectionOption is null ? configuration.GetConnectionString(EventStoreConfiguration.OwnerConnectionName) : null;
        if (connection is null || !EventStoreConfiguration.IsPostgres(configuration))
        {
            return (connection, owner);
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connection);
            builder.Options = $"{builder.Options} -c synchronous_commit=off".Trim();
            return (builder.ConnectionString, owner);
        }
        catch (ArgumentException ex)
        {
            throw new CliException($"ledger seed: the PostgreSQL connection string is not valid: {ex.Message}", CliException.FailureExitCode);
        }
    }

    private static int Number(CliArguments parsed, string option, int fallback, int min, int max)
    {
        if (parsed.Value(option) is not { } text)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new CliException($"ledger seed: {option} must be a whole number from {min} to {max}, not '{text}'.");
    }
}
