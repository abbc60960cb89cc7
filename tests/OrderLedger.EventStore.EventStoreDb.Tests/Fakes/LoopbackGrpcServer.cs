using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OrderLedger.EventStore.EventStoreDb.Tests.Fakes;

/// <summary>What the loopback server answers: messages, then a status with optional error trailers.</summary>
public sealed record GrpcReply(IReadOnlyList<IMessage> Messages, StatusCode Status = StatusCode.OK, string Detail = "", IReadOnlyDictionary<string, string>? Trailers = null);

/// <summary>A request as it reached the loopback server.</summary>
public sealed record GrpcRequest(string Path, string Protocol, IHeaderDictionary Headers, IReadOnlyList<byte[]> Messages);

/// <summary>
/// A minimal gRPC endpoint on 127.0.0.1 speaking plain-text HTTP/2 (Kestrel, no gRPC server package): it
/// de-frames requests, lets the test answer, and frames the answer with grpc-status trailers. It proves the
/// adapter's real transport (tls=false) end to end: HTTP/2 prior knowledge, paths, headers, framing, trailers.
/// </summary>
public sealed class LoopbackGrpcServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackGrpcServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public List<GrpcRequest> Requests { get; } = [];

    /// <param name="certificate">Serve HTTPS (HTTP/2 over TLS) with this certificate; null = plain-text HTTP/2.</param>
    public static async Task<LoopbackGrpcServer> StartAsync(Func<GrpcRequest, GrpcReply> answer, X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        LoopbackGrpcServer? server = null;
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            var request = new GrpcRequest(context.Request.Path, context.Request.Protocol, context.Request.Headers, Deframe(body.ToArray()));
            lock (server!.Requests)
            {
                server.Requests.Add(request);
            }

            var reply = answer(request);
            context.Response.ContentType = "application/grpc";
            context.Response.DeclareTrailer("grpc-status");
            await context.Response.StartAsync(context.RequestAborted);
            foreach (var message in reply.Messages)
            {
                var bytes = message.ToByteArray();
                var frame = new byte[5 + bytes.Length];
                BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)bytes.Length);
                bytes.CopyTo(frame, 5);
                await context.Response.Body.WriteAsync(frame, context.RequestAborted);
            }

            context.Response.AppendTrailer("grpc-status", ((int)reply.Status).ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (reply.Detail.Length > 0)
            {
                context.Response.AppendTrailer("grpc-message", reply.Detail);
            }

            foreach (var (key, value) in reply.Trailers ?? new Dictionary<string, string>())
            {
                context.Response.AppendTrailer(key, value);
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server = new LoopbackGrpcServer(app, new Uri(address).Port);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static List<byte[]> Deframe(byte[] body)
    {
        var messages = new List<byte[]>();
        var offset = 0;
        while (offset + 5 <= body.Length)
        {
            Assert.Equal(0, body[offset]); // not compressed
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(offset + 1));
            messages.Add(body.AsSpan(offset + 5, length).ToArray());
            offset += 5 + length;
        }

        Assert.Equal(body.Length, offset);
        return messages;
    }
}
