using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Xunit;

namespace OrderLedger.Testing;

/// <summary>
/// Where the EventStoreDB suites find a server: <c>ORDERLEDGER_ESDB</c> for one node (tools/test.sh starts the
/// bundled one and sets it), and the bundle's <c>start.sh</c> (<c>ORDERLEDGER_ESDB_BUNDLE</c>, or
/// <c>../shared/esdb</c> beside the repository) for tests that start their own cluster.
/// </summary>
public static class EventStoreDbServer
{
    public const string ConnectionStringVariable = "ORDERLEDGER_ESDB";
    public const string BundleVariable = "ORDERLEDGER_ESDB_BUNDLE";

    public static string? SingleNode => Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 } value ? value : null;

    public static string? SingleNodeSkipReason => SingleNode is null
        ? $"{ConnectionStringVariable} is not set (tools/test.sh sets it when ../shared/esdb/start.sh exists; or e.g. esdb://localhost:2113?tls=false)."
        : null;

    /// <summary>The folder holding start.sh and stop.sh, or null.</summary>
    public static string? Bundle
    {
        get
        {
            if (Environment.GetEnvironmentVariable(BundleVariable) is { Length: > 0 } configured)
            {
                return File.Exists(Path.Combine(configured, "start.sh")) ? configured : null;
            }

            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "OrderLedger.sln")))
                {
                    var beside = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "esdb"));
                    return File.Exists(Path.Combine(beside, "start.sh")) ? beside : null;
                }
            }

            return null;
        }
    }

    public static string? BundleSkipReason => Bundle is null
        ? $"No EventStoreDB bundle to start a cluster from: neither {BundleVariable} nor ../shared/esdb/start.sh beside the repository."
        : null;

    internal static async Task<string> RunAsync(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(Bundle ?? throw new InvalidOperationException(BundleSkipReason), script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot run {script}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await errors}");
        }

        return (await output).Trim();
    }
}

/// <summary>
/// EventStoreDB nodes of this test's own from the bundle's <c>start.sh</c> — one node, or a three-node cluster on
/// loopback — in their own folder, stopped (by pid) and removed when disposed. The unpacked server of
/// <c>ORDERLEDGER_ESDB_UNPACKED</c> (tools/test.sh sets it) is linked instead of unpacked again.
/// </summary>
public sealed class BundledEventStoreDb : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private BundledEventStoreDb(string directory, string connectionString)
    {
        Directory = directory;
        ConnectionString = connectionString;
        HttpPorts = connectionString["esdb://".Length..connectionString.IndexOf('?', StringComparison.Ordinal)]
            .Split(',')
            .Select(host => int.Parse(host[(host.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
    }

    public string Directory { get; }

    /// <summary><c>esdb://127.0.0.1:P,127.0.0.1:P+10,127.0.0.1:P+20?tls=false</c> (one host for a single node).</summary>
    public string ConnectionString { get; }

    public IReadOnlyList<int> HttpPorts { get; }

    public string WithNodePreference(string preference) => $"{ConnectionString}&nodePreference={preference}";

    /// <summary>
    /// Starts nodes on ports of their own. start.sh's own search for free ports races when two test classes start
    /// servers at once (both find the same ports free; one node then fails to bind and shuts down), so the ports
    /// come from <see cref="ChoosePort"/> and a start that fails anyway is retried on other ports.
    /// </summary>
    public static async Task<BundledEventStoreDb> StartAsync(bool threeNodes = true)
    {
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(threeNodes, ChoosePort(threeNodes));
            }
            catch (InvalidOperationException) when (attempt < attempts)
            {
            }
        }
    }

    private static async Task<BundledEventStoreDb> StartOnceAsync(bool threeNodes, int port)
    {
        var directory = Path.Combine(Path.GetTempPath(), "orderledger-esdb-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
        if (Environment.GetEnvironmentVariable("ORDERLEDGER_ESDB_UNPACKED") is { Length: > 0 } unpacked
            && File.Exists(Path.Combine(unpacked, "EventStore.ClusterNode")))
        {
            File.CreateSymbolicLink(Path.Combine(directory, "eventstoredb"), unpacked);
        }

        var portArgument = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            var output = threeNodes
                ? await EventStoreDbServer.RunAsync("start.sh", "--cluster", "--port", portArgument, "--dir", directory)
                : await EventStoreDbServer.RunAsync("start.sh", "--port", portArgument, "--dir", directory);
            return new BundledEventStoreDb(directory, output.Split('\n')[^1].Trim());
        }
        catch
        {
            await EventStoreDbServer.RunAsync("stop.sh", "--dir", directory);
            throw;
        }
    }

    /// <summary>
    /// A first HTTP port P whose node ports (P, P+10, P+20) and replication ports (P-1000, P-990, P-980) are free and
    /// cannot overlap another choice's: P lies in 23000–23990, 25000–25990, 27000–27990 or 29000–29990 on a step
    /// of 30, so every replication port falls in the thousand below, which no HTTP port uses. Picked at random so
    /// test processes starting at the same moment rarely pick the same slot; the retry covers the rare case.
    /// </summary>
    private static int ChoosePort(bool threeNodes)
    {
        const int slotsPerBlock = 33;
        for (var tries = 0; tries < 200; tries++)
        {
            var slot = Random.Shared.Next(4 * slotsPerBlock);
            var port = 23000 + 2000 * (slot / slotsPerBlock) + 30 * (slot % slotsPerBlock);
            var nodes = threeNodes ? 3 : 1;
            if (Enumerable.Range(0, nodes).All(node => IsFree(port + 10 * node) && IsFree(port - 1000 + 10 * node)))
            {
                return port;
            }
        }

        throw new InvalidOperationException("No free EventStoreDB ports in 22000–29990.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    /// <summary>The HTTP port of the node the live members' gossip names as leader, or null while there is none.</summary>
    public async Task<int?> LeaderPortAsync()
    {
        foreach (var port in HttpPorts)
        {
            try
            {
                var gossip = await Http.GetFromJsonAsync<GossipAnswer>($"http://127.0.0.1:{port}/gossip");
                var leader = gossip?.Members.FirstOrDefault(m => m.IsAlive && m.State == "Leader");
                if (leader is not null)
                {
                    return leader.HttpEndPointPort;
                }
            }
            catch (HttpRequestException)
            {
                // A stopped node: ask the next one.
            }
            catch (TaskCanceledException)
            {
            }
        }

        return null;
    }

    /// <summary>Stops one node, as a crash of that machine would, with the bundle's <c>stop.sh --port</c>.</summary>
    public Task StopNodeAsync(int httpPort) =>
        EventStoreDbServer.RunAsync("stop.sh", "--dir", Directory, "--port", httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public async ValueTask DisposeAsync()
    {
        await EventStoreDbServer.RunAsync("stop.sh", "--dir", Directory);
        // Directory.Delete would follow a symbolic link to the shared unpacked server: remove the link itself first.
        var link = new FileInfo(Path.Combine(Directory, "eventstoredb"));
        if (link.LinkTarget is not null)
        {
            link.Delete();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A node still closing its log files; the temp folder is cleaned up by the system later.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private sealed record GossipAnswer([property: JsonPropertyName("members")] IReadOnlyList<GossipMember> Members);

    private sealed record GossipMember(
        [property: JsonPropertyName("state")] string State,
        [property: JsonPropertyName("isAlive")] bool IsAlive,
        [property: JsonPropertyName("httpEndPointPort")] int HttpEndPointPort);
}

/// <summary>
/// A class fixture: an EventStoreDB node of the test class's own, for suites that read the whole of <c>$all</c> or
/// use fixed stream names (as a fresh PostgreSQL database per class gives them). Skipped only without a bundle.
/// </summary>
public sealed class EventStoreDbNode : IAsyncLifetime
{
    private BundledEventStoreDb? _node;

    public string? SkipReason { get; } = EventStoreDbServer.BundleSkipReason;

    public string ConnectionString => _node?.ConnectionString ?? throw new InvalidOperationException(SkipReason ?? "The node is not started.");

    public async Task InitializeAsync()
    {
        if (SkipReason is null)
        {
            _node = await BundledEventStoreDb.StartAsync(threeNodes: false);
        }
    }

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
    }
}
