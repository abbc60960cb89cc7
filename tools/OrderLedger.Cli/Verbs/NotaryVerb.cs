using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrderLedger.Audit.Notary;

namespace OrderLedger.Cli.Verbs;

/// <summary>
/// <c>ledger notary keygen|public-key|run</c>: the notary's key and the process that signs checkpoints of $all
/// (docs/audit.md). Paths come from the options or from configuration (<c>Notary:KeyFile</c>, <c>Notary:ExportDirectory</c>,
/// <c>Notary:PublicKeyFile</c>).
/// </summary>
public static class NotaryVerb
{
    public static IReadOnlyList<CliVerb> Verbs { get; } =
    [
        new("keygen", "--out <file>", "a new Ed25519 key for the notary, written to a new file of mode 0600", KeygenAsync),
        new("public-key", "[--key <file>]", "the notary key's public key (PEM): what auditors check checkpoints and proofs with", PublicKeyAsync),
        new("run", "[--key <file>] [--export <dir>] [--every 10000] [--interval 60] [--once]",
            "notarise $all: a signed checkpoint every N events or T seconds, to the export directory and the database; --once catches up, signs and exits",
            RunAsync),
    ];

    private static async Task<int> KeygenAsync(CliCall call)
    {
        var parsed = call.Parse(["--out"], []);
        var path = parsed.Value("--out") ?? throw new CliException($"{call.Command}: name the key file with --out <file>.");
        if (File.Exists(path))
        {
            throw new CliException($"{call.Command}: {path} exists; a notary key is never overwritten.", CliException.FailureExitCode);
        }

        using var key = NotaryKey.Generate();
        key.WriteTo(path);
        await call.Output.WriteLineAsync($"wrote {path} (mode 0600), key id {key.Public.KeyId}");
        await call.Output.WriteAsync(key.Public.Pem);
        return 0;
    }

    private static async Task<int> PublicKeyAsync(CliCall call)
    {
        var parsed = call.Parse(["--key"], []);
        using var key = ReadKey(call.Command, parsed.Value("--key") ?? CliServices.Configuration()["Notary:KeyFile"]);
        await call.Output.WriteAsync(key.Public.Pem);
        return 0;
    }

    private static async Task<int> RunAsync(CliCall call)
    {
        var parsed = call.Parse(["--key", "--export", "--every", "--interval", "--connection"], ["--once"]);
        var configuration = CliServices.Configuration();
        using var key = ReadKey(call.Command, parsed.Value("--key") ?? configuration["Notary:KeyFile"]);
        var export = parsed.Value("--export") ?? configuration["Notary:ExportDirectory"]
            ?? throw new CliException($"{call.Command}: name the export directory with --export <dir> (or Notary:ExportDirectory).");
        var options = new NotaryOptions(
            export,
            Number(call.Command, "--every", parsed.Value("--every") ?? configuration["Notary:EveryEvents"], 10_000),
            TimeSpan.FromSeconds(Number(call.Command, "--interval", parsed.Value("--interval") ?? configuration["Notary:IntervalSeconds"], 60)));
        await using var services = Create(parsed.Value("--connection"));
        var notary = new LogNotary(services.Store, services.Services.GetRequiredService<NotaryStore>(), key, options, TimeProvider.System);
        if (parsed.Has("--once"))
        {
            var checkpoint = await notary.RunOnceAsync(call.CancellationToken);
            await call.Output.WriteLineAsync(checkpoint is null
                ? "the log is empty: nothing to sign"
                : $"checkpoint: tree size {checkpoint.TreeSize:N0}, root {checkpoint.RootHash}, up to position {checkpoint.LastPosition} ({notary.EventsNotarised:N0} events read now)");
            return 0;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(call.CancellationToken);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        await call.Error.WriteLineAsync($"notary: signing with key {key.Public.KeyId}, checkpoints to {export}; Ctrl+C stops");
        await notary.RunContinuouslyAsync(stop.Token);
        return 0;
    }

    /// <summary>The event store and the notary's tables, in the database <c>ConnectionStrings:Postgres</c> names.</summary>
    public static CliServices Create(string? connection) =>
        CliServices.Create(connection, (services, configuration) =>
        {
            var connectionString = configuration.GetConnectionString("Postgres") is { Length: > 0 } postgres
                ? postgres
                : throw new InvalidOperationException("ConnectionStrings:Postgres is not set: the notary keeps its tables there.");
            services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
            services.AddSingleton(provider => new NotaryStore(provider.GetRequiredService<NpgsqlDataSource>()));
            services.AddSingleton(provider => new LogAuditor(provider.GetRequiredService<OrderLedger.EventStore.IEventStore>(), provider.GetRequiredService<NotaryStore>()));
        });

    private static NotaryKey ReadKey(string command, string? path) =>
        ReadFile(command, path ?? throw new CliException($"{command}: name the notary key with --key <file> (or Notary:KeyFile)."), NotaryKey.ReadFrom);

    public static NotaryPublicKey ReadPublicKey(string command, string? path) =>
        ReadFile(command, path ?? throw new CliException($"{command}: name the notary's public key with --public-key <file> (or Notary:PublicKeyFile)."), NotaryPublicKey.ReadFrom);

    /// <summary>Reads a file the user named; a missing, unreadable or malformed one is a one-line failure.</summary>
    public static T ReadFile<T>(string command, string path, Func<string, T> read)
    {
        try
        {
            return read(path);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new CliException($"{command}: {path}: {ex.Message}", CliException.FailureExitCode);
        }
    }

    private static long Number(string command, string option, string? text, long fallback) =>
        text is null ? fallback
        : long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value
        : throw new CliException($"{command}: {option} must be a positive whole number, not '{text}'.");
}
