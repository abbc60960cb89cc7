using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using OrderLedger.EventStore.EventStoreDb.Protocol;
using OrderLedger.EventStore.EventStoreDb.Protocol.Gossip;

namespace OrderLedger.EventStore.EventStoreDb;

/// <summary>
/// Which node to talk to, and the gRPC channel to it: the single node of the connection string, or the node
/// gossip picks by the node preference; switched to the leader a follower names, re-discovered after a failure.
/// </summary>
internal sealed class EventStoreDbConnection : IDisposable
{
    /// <summary>EventStoreDB accepts events up to 16 MB; gRPC's default 4 MB receive limit would refuse them.</summary>
    private const int MaxReceiveMessageSize = 17 * 1024 * 1024;

    private readonly EventStoreDbConnectionString _settings;
    private readonly Func<DnsEndPoint, CallInvoker> _invokerFactory;
    private readonly ConcurrentDictionary<DnsEndPoint, CallInvoker> _invokers = new();
    private readonly ConcurrentBag<GrpcChannel> _channels = [];
    private readonly SemaphoreSlim _discovery = new(1, 1);
    private readonly string? _authorization;
    private DnsEndPoint? _current;
    private DnsEndPoint? _leader;
    private bool _disposed;

    public EventStoreDbConnection(EventStoreDbConnectionString settings, Func<DnsEndPoint, CallInvoker>? invokerFactory = null)
    {
        _settings = settings;
        _invokerFactory = invokerFactory ?? (endpoint =>
        {
            var channel = CreateChannel(endpoint, settings);
            _channels.Add(channel);
            return channel.CreateCallInvoker();
        });
        _authorization = settings.HasCredentials
            ? "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.UserName}:{settings.Password}"))
            : null;
    }

    public EventStoreDbConnectionString Settings => _settings;

    /// <summary>The node calls currently go to, or null before the first call.</summary>
    public DnsEndPoint? CurrentEndpoint => Volatile.Read(ref _current);

    /// <summary>The leader a follower named for calls that require it, when the node preference is not the leader.</summary>
    public DnsEndPoint? KnownLeader => Volatile.Read(ref _leader);

    /// <summary>
    /// The node for the next call. <paramref name="requiresLeader"/>: a read that must see the caller's own append
    /// (a follower may not have replicated it yet) goes to the leader a follower named before, or else to the
    /// preferred node, which answers "not leader" with the leader's address when it is not.
    /// </summary>
    public async ValueTask<CallInvoker> GetInvokerAsync(CancellationToken cancellationToken, bool requiresLeader = false)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var endpoint = (requiresLeader ? Volatile.Read(ref _leader) : null)
            ?? Volatile.Read(ref _current)
            ?? await DiscoverAsync(cancellationToken);
        return _invokers.GetOrAdd(endpoint, _invokerFactory);
    }

    /// <summary>
    /// A follower answered "not leader": go to the leader it names, or find the leader again. With a node preference
    /// other than the leader, only the calls that require the leader go there; the others stay on the preferred node.
    /// </summary>
    public void SwitchToLeader(DnsEndPoint? leader, bool requiresLeader = false)
    {
        if (requiresLeader && !PrefersLeader)
        {
            Volatile.Write(ref _leader, leader);
            if (leader is null)
            {
                Reset();
            }

            return;
        }

        Volatile.Write(ref _current, leader ?? (_settings.UsesGossip ? null : Volatile.Read(ref _current)));
    }

    /// <summary>A call failed transiently: in a cluster, ask gossip again before the next call.</summary>
    public void Reset()
    {
        Volatile.Write(ref _leader, null);
        if (_settings.UsesGossip)
        {
            Volatile.Write(ref _current, null);
        }
    }

    public CallOptions CallOptions(CancellationToken cancellationToken, TimeSpan? deadline = null, bool requiresLeader = false)
    {
        var headers = new Metadata();
        if (_authorization is not null)
        {
            headers.Add("authorization", _authorization);
        }

        if (PrefersLeader || requiresLeader)
        {
            headers.Add("requires-leader", "true");
        }

        if (_settings.ConnectionName is { } name)
        {
            headers.Add("connection-name", name);
        }

        return new CallOptions(
            headers,
            deadline: deadline is { } timeout ? DateTime.UtcNow.Add(timeout) : null,
            cancellationToken: cancellationToken);
    }

    private bool PrefersLeader => _settings.NodePreference == NodePreference.Leader;

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _discovery.Dispose();
        _invokers.Clear();
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }

    private async Task<DnsEndPoint> DiscoverAsync(CancellationToken cancellationToken)
    {
        if (!_settings.UsesGossip)
        {
            Volatile.Write(ref _current, _settings.Hosts[0]);
            return _settings.Hosts[0];
        }

        await _discovery.WaitAsync(cancellationToken);
        try
        {
            if (Volatile.Read(ref _current) is { } found)
            {
                return found;
            }

            Exception? lastError = null;
            for (var attempt = 1; attempt <= _settings.MaxDiscoverAttempts; attempt++)
            {
                foreach (var seed in _settings.Hosts)
                {
                    try
                    {
                        var client = new Gossip.GossipClient(_invokers.GetOrAdd(seed, _invokerFactory));
                        var cluster = await client.ReadAsync(new Empty(), CallOptions(cancellationToken, _settings.GossipTimeout));
                        if (ProtocolMapping.SelectNode(cluster, _settings.NodePreference) is { } node)
                        {
                            Volatile.Write(ref _current, node);
                            return node;
                        }
                    }
                    catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
                    {
                        lastError = ex;
                    }
                }

                await Task.Delay(_settings.DiscoveryInterval, cancellationToken);
            }

            throw new EventStoreUnavailableException(
                $"No EventStoreDB node matching nodePreference={_settings.NodePreference} was found through gossip "
                + $"at {string.Join(", ", _settings.Hosts.Select(h => $"{h.Host}:{h.Port}"))} after {_settings.MaxDiscoverAttempts} attempts.",
                lastError);
        }
        finally
        {
            _discovery.Release();
        }
    }

    private static GrpcChannel CreateChannel(DnsEndPoint endpoint, EventStoreDbConnectionString settings)
    {
        var handler = new SocketsHttpHandler
        {
            KeepAlivePingDelay = settings.KeepAliveInterval,
            KeepAlivePingTimeout = settings.KeepAliveTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        };

        if (settings.Tls)
        {
            handler.SslOptions = CreateSslOptions(settings);
        }

        // tls=false: plain-text HTTP/2 ("prior knowledge"), which Grpc.Net.Client uses for http:// addresses.
        var scheme = settings.Tls ? "https" : "http";
        var address = new Uri($"{scheme}://{EventStoreDbConnectionString.FormatHost(endpoint.Host)}:{endpoint.Port}");
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = MaxReceiveMessageSize,
        });
    }

    private static SslClientAuthenticationOptions CreateSslOptions(EventStoreDbConnectionString settings)
    {
        var options = new SslClientAuthenticationOptions();
        if (settings.UserCertFile is { } certFile && settings.UserKeyFile is { } keyFile)
        {
            options.ClientCertificates = [X509Certificate2.CreateFromPemFile(certFile, keyFile)];
        }

        if (!settings.TlsVerifyCert)
        {
            // Explicitly asked for with tlsVerifyCert=false (development against self-signed certificates).
#pragma warning disable CA5359
            options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (settings.TlsCaFile is { } caFile)
        {
            var authority = LoadCertificate(caFile);
            options.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                errors == SslPolicyErrors.None
                || (errors == SslPolicyErrors.RemoteCertificateChainErrors && certificate is not null && ChainsTo(certificate, authority));
        }

        return options;
    }

    private static bool ChainsTo(X509Certificate certificate, X509Certificate2 authority)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }

    private static X509Certificate2 LoadCertificate(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var text = Encoding.ASCII.GetString(bytes);
        return text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)
            ? X509Certificate2.CreateFromPem(text)
            : X509CertificateLoader.LoadCertificate(bytes);
    }
}
