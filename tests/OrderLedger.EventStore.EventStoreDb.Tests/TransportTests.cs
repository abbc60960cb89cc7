using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Grpc.Core;
using OrderLedger.EventStore.EventStoreDb.Protocol;
using OrderLedger.EventStore.EventStoreDb.Tests.Fakes;

namespace OrderLedger.EventStore.EventStoreDb.Tests;

/// <summary>The adapter's real channel (tls=false) against a gRPC endpoint on the loopback interface.</summary>
public sealed class TransportTests
{
    private static readonly EventStoreDbOptions FastRetries = new() { RetryAttempts = 2, RetryDelay = TimeSpan.FromMilliseconds(1) };

    [Fact]
    public async Task An_append_goes_over_plain_http2_as_a_framed_client_stream_with_credentials()
    {
        await using var server = await LoopbackGrpcServer.StartAsync(_ => new GrpcReply([Server.Success(0, 1234)]));
        using var store = new EventStoreDbEventStore($"esdb://admin:changeit@127.0.0.1:{server.Port}?tls=false", FastRetries);
        var e = new EventData(Guid.NewGuid(), "order-placed", Encoding.UTF8.GetBytes("{\"a\":1}"), Encoding.UTF8.GetBytes("{\"m\":2}"));

        var result = await store.AppendAsync("order-1", ExpectedRevision.NoStream, [e]);

        Assert.Equal(new AppendResult(0, new Position(1234, 1234)), result);
        var request = Assert.Single(server.Requests);
        Assert.Equal("/event_store.client.streams.Streams/Append", request.Path);
        Assert.Equal("HTTP/2", request.Protocol);
        Assert.Equal("application/grpc", request.Headers.ContentType.ToString());
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:changeit")), request.Headers.Authorization.ToString());
        Assert.Equal("true", request.Headers["requires-leader"].ToString());
        Assert.Equal(2, request.Messages.Count);
        var options = AppendReq.Parser.ParseFrom(request.Messages[0]).Options;
        Assert.Equal("order-1", ProtocolMapping.ToStreamId(options.StreamIdentifier));
        var proposed = AppendReq.Parser.ParseFrom(request.Messages[1]).ProposedMessage;
        Assert.Equal(e.EventId, ProtocolMapping.ToGuid(proposed.Id));
        Assert.Equal("{\"m\":2}", proposed.CustomMetadata.ToStringUtf8());
    }

    [Fact]
    public async Task Error_trailers_arrive_and_map_to_the_ports_errors()
    {
        await using var server = await LoopbackGrpcServer.StartAsync(_ => new GrpcReply(
            [],
            StatusCode.FailedPrecondition,
            "Append failed due to WrongExpectedVersion.",
            new Dictionary<string, string> { ["exception"] = "wrong-expected-version", ["stream-name"] = "order-1", ["actual-version"] = "3" }));
        using var store = new EventStoreDbEventStore($"esdb://127.0.0.1:{server.Port}?tls=false", FastRetries);

        var error = await Assert.ThrowsAsync<WrongExpectedRevisionException>(() =>
            store.AppendAsync("order-1", ExpectedRevision.Exact(1), [new EventData(Guid.NewGuid(), "x", "{}"u8.ToArray(), default)]));

        Assert.Equal(3ul, error.ActualRevision);
    }

    [Fact]
    public async Task A_stream_read_is_a_server_stream_of_framed_responses()
    {
        await using var server = await LoopbackGrpcServer.StartAsync(_ => new GrpcReply([Server.Event("order-1", 0, 10), Server.Event("order-1", 1, 20)]));
        using var store = new EventStoreDbEventStore($"esdb://127.0.0.1:{server.Port}?tls=false", FastRetries);

        var read = new List<RecordedEvent>();
        await foreach (var e in store.ReadStreamAsync("order-1", StreamReadOptions.All))
        {
            read.Add(e);
        }

        Assert.Equal(new ulong[] { 0, 1 }, read.Select(e => e.Revision));
        var request = ReadReq.Parser.ParseFrom(Assert.Single(Assert.Single(server.Requests).Messages));
        Assert.Equal("/event_store.client.streams.Streams/Read", server.Requests[0].Path);
        Assert.Equal("order-1", ProtocolMapping.ToStreamId(request.Options.Stream.StreamIdentifier));
    }

    [Fact]
    public async Task Tls_accepts_a_server_certificate_from_the_given_ca_file_or_unverified_when_asked()
    {
        using var certificate = SelfSignedLocalhost();
        var caFile = Path.Combine(Path.GetTempPath(), $"orderledger-ca-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(caFile, certificate.ExportCertificatePem());
        try
        {
            await using var server = await LoopbackGrpcServer.StartAsync(_ => new GrpcReply([Server.Event("order-1", 4, 99)]), certificate);

            using var withCa = new EventStoreDbEventStore($"esdb://localhost:{server.Port}?tlsCaFile={Uri.EscapeDataString(caFile)}", FastRetries);
            using var unverified = new EventStoreDbEventStore($"esdb://localhost:{server.Port}?tls=true&tlsVerifyCert=false", FastRetries);
            using var strict = new EventStoreDbEventStore($"esdb://localhost:{server.Port}", FastRetries);

            Assert.Equal(new Position(99, 99), await withCa.ReadHeadPositionAsync());
            Assert.Equal(new Position(99, 99), await unverified.ReadHeadPositionAsync());
            await Assert.ThrowsAsync<EventStoreUnavailableException>(() => strict.ReadHeadPositionAsync());
            Assert.All(server.Requests, r => Assert.Equal("HTTP/2", r.Protocol));
            Assert.Equal(2, server.Requests.Count);
        }
        finally
        {
            File.Delete(caFile);
        }
    }

    [Fact]
    public async Task Nothing_listening_ends_in_unavailable()
    {
        using var store = new EventStoreDbEventStore($"esdb://127.0.0.1:{UnusedPort()}?tls=false", FastRetries);

        await Assert.ThrowsAsync<EventStoreUnavailableException>(() => store.ReadHeadPositionAsync());
    }

    private static X509Certificate2 SelfSignedLocalhost()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
