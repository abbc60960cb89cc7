using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using OrderLedger.Application;
using OrderLedger.Domain;
using OrderLedger.Hosting;

namespace OrderLedger.Bench;

/// <summary>
/// The API host run as a child process on a bench database, as an operator runs it (<c>tools/run.sh</c>), with a client
/// that carries an admin token for every store. Figures that go through HTTP measure it, never an in-process host.
/// </summary>
public sealed class ApiHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly AccessTokens _tokens;

    private ApiHostProcess(Process process, AccessTokens tokens, HttpClient client, HttpClient anonymous)
    {
        _process = process;
        _tokens = tokens;
        Client = client;
        Anonymous = anonymous;
    }

    /// <summary>The host's process id, for its CPU time in <c>/proc</c>.</summary>
    public int ProcessId => _process.Id;

    /// <summary>A bearer token the host accepts: <paramref name="subject"/> with <paramref name="role"/> in <paramref name="stores"/>.</summary>
    public string TokenFor(string subject, string role, IReadOnlyCollection<string> stores) =>
        _tokens.Issue(subject, [role], stores, TimeSpan.FromHours(2), DateTimeOffset.UtcNow);

    /// <summary>Signed in as an admin of every store.</summary>
    public HttpClient Client { get; }

    /// <summary>No token: what a platform's webhook call is.</summary>
    public HttpClient Anonymous { get; }

    /// <summary>
    /// Starts the host on <paramref name="connectionString"/> with <paramref name="settings"/> (configuration keys in the
    /// environment's <c>Section__Key</c> form) over the bench defaults, and waits until it answers <c>/health/live</c>.
    /// </summary>
    public static async Task<ApiHostProcess> StartAsync(string connectionString, IReadOnlyDictionary<string, string> settings)
    {
        var signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        var url = $"http://127.0.0.1:{FreePort()}";
        var process = Start(connectionString, signingKey, url, settings);
        var tokens = new AccessTokens(signingKey);
        var token = tokens.Issue("bench", [Roles.Admin], [AccessTokens.AllStores], TimeSpan.FromHours(2), DateTimeOffset.UtcNow);
        var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var host = new ApiHostProcess(process, tokens, client, new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) });
        await host.WaitUntilLiveAsync(TimeSpan.FromMinutes(2));
        return host;
    }

    private async Task WaitUntilLiveAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The API host stopped before it listened (exit {_process.ExitCode}).");
            }

            try
            {
                if ((await Anonymous.GetAsync("/health/live")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The API host did not answer /health/live within {timeout.TotalSeconds:F0} s.");
    }

    /// <summary>
    /// The API host as built in its own project (<c>src/OrderLedger.Api/bin/{configuration}/net10.0</c>, found upwards from
    /// the benchmark, or <c>ORDERLEDGER_BENCH_API</c>): tools/bench.sh builds it, as does a build of the solution.
    /// </summary>
    private static Process Start(string connectionString, string signingKey, string url, IReadOnlyDictionary<string, string> settings)
    {
        var dll = Environment.GetEnvironmentVariable("ORDERLEDGER_BENCH_API") ?? FindApiDll()
            ?? throw new InvalidOperationException("The API host is not built: dotnet build src/OrderLedger.Api -c Release (tools/bench.sh does), or set ORDERLEDGER_BENCH_API.");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", url])
        {
            // The project folder is the host's content root (its wwwroot), as tools/run.sh starts it.
            WorkingDirectory = ProjectFolderOf(dll),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ConnectionStrings__Postgres"] = connectionString;
        start.Environment["ConnectionStrings__" + EventStoreConfiguration.OwnerConnectionName] = connectionString;
        start.Environment["Auth__SigningKey"] = signingKey;
        // A benchmark sends thousands of commands a minute: the default per-minute limit would refuse them.
        start.Environment["Limits__CommandsPerMinute"] = "1000000";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        ProjectorProcess.SetGarbageCollector(start);
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        return ProjectorProcess.StartForwarding(start, "API host");
    }

    /// <summary><c>src/OrderLedger.Api</c> for <c>src/OrderLedger.Api/bin/Release/net10.0/OrderLedger.Api.dll</c>; else the dll's folder.</summary>
    private static string ProjectFolderOf(string dll)
    {
        var output = Path.GetDirectoryName(Path.GetFullPath(dll))!;
        var project = Path.GetFullPath(Path.Combine(output, "..", "..", ".."));
        return Directory.Exists(Path.Combine(project, "wwwroot")) ? project : output;
    }

    private static string? FindApiDll()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Release";
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var dll = Path.Combine(directory.FullName, "src", "OrderLedger.Api", "bin", configuration, "net10.0", "OrderLedger.Api.dll");
            if (File.Exists(dll))
            {
                return dll;
            }
        }

        return null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Anonymous.Dispose();
        await ProjectorProcess.StopAsync(_process, "API host");
        _process.Dispose();
    }
}
