using System.Text;
using Google.Protobuf;
using Grpc.Net.Client;
using OrderLedger.Audit;
using OrderLedger.Audit.Notary;
using OrderLedger.Domain;
using OrderLedger.Domain.Stores;
using OrderLedger.EventStore.Audit;
using OrderLedger.EventStore.EventStoreDb.Protocol;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Testing;

namespace OrderLedger.EventStore.EventStoreDb.Tests;

/// <summary>
/// The tamperings an EventStoreDB operator can do through the server's own API (docs/audit.md, the tamper table):
/// truncating a stream (<c>$tb</c>), capping it (<c>$maxCount</c>) or soft-deleting it, all by writing the stream's
/// metadata. The events stay in <c>$all</c> until a scavenge, but the stream reads the application decides from lose
/// them, so <c>verify --all</c> must name them. Checked with the auditor's own classes (what <c>ledger verify</c> and
/// <c>ledger notary</c> run) against a node of this class's own; each test uses streams of its own.
/// </summary>
public sealed class TamperEvidenceOnEventStoreDbTests(EventStoreDbNode node) : IClassFixture<EventStoreDbNode>, IAsyncLifetime
{
    private static readonly DateTimeOffset Nine = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly string _tag = "t" + Guid.NewGuid().ToString("N")[..8];
    private readonly TestDatabase _notaryTables = new();
    private readonly string _exportDir = Directory.CreateTempSubdirectory("notary-esdb-").FullName;
    private NotaryKey? _key;
    private IEventStore? _store;

    private string Stream(string name) => $"store-{_tag}{name}";

    private IEventStore Store => _store!;

    public async Task InitializeAsync()
    {
        if (node.SkipReason is not null)
        {
            return;
        }

        await _notaryTables.InitializeAsync();
        _store = new EventStoreDbEventStore(node.ConnectionString);
        _key = NotaryKey.Generate();
        foreach (var name in new[] { "a", "b" })
        {
            var storeId = _tag + name;
            await AppendChainedAsync(Stream(name), new StoreRegistered(storeId, "Shop", "Europe/Berlin", "EUR", Nine));
            await AppendChainedAsync(Stream(name), new StoreAutoRefundWindowSet(storeId, 48, Nine.AddHours(1)), new StoreAutoRefundWindowSet(storeId, 24, Nine.AddHours(2)));
        }

        var notary = new LogNotary(Store, new NotaryStore(_notaryTables.DataSource), _key, new NotaryOptions(_exportDir), TimeProvider.System);
        Assert.NotNull(await notary.RunOnceAsync());
    }

    public async Task DisposeAsync()
    {
        if (_store is null)
        {
            return;
        }

        _key?.Dispose();
        await ((IAsyncDisposable)_store).DisposeAsync();
        await _notaryTables.DisposeAsync();
        Directory.Delete(_exportDir, recursive: true);
    }

    private async Task AppendChainedAsync(string streamId, params object[] events)
    {
        var codec = new EventCodec(DomainEventTypes.CreateRegistry());
        var last = await Store.ReadStreamAsync(streamId, StreamReadOptions.Last(1)).FirstOrDefaultAsync();
        var context = new CommandContext(Guid.NewGuid().ToString("N"), new Actor(ActorKind.Agent, "agent-1"), Nine, _tag);
        await Store.AppendAsync(streamId, ExpectedRevision.After(last?.Revision), codec.Encode(events, context, ChainTip.After(streamId, last)));
    }

    /// <summary>The attack: a <c>$metadata</c> event on the stream's metadata stream, as any client with write access to it can append.</summary>
    private async Task SetStreamMetadataAsync(string streamId, string metadataJson)
    {
        var host = EventStoreDbConnectionString.Parse(node.ConnectionString).Hosts[0];
        using var channel = GrpcChannel.ForAddress($"http://{host.Host}:{host.Port}");
        using var call = new Streams.StreamsClient(channel).Append();
        await call.RequestStream.WriteAsync(ProtocolMapping.ToAppendOptions("$$" + streamId, ExpectedRevision.Any));
        await call.RequestStream.WriteAsync(new AppendReq
        {
            ProposedMessage = new AppendReq.Types.ProposedMessage
            {
                Id = ProtocolMapping.ToUuid(Guid.NewGuid()),
                Metadata = { ["type"] = "$metadata", ["content-type"] = "application/json" },
                Data = ByteString.CopyFrom(Encoding.UTF8.GetBytes(metadataJson)),
            },
        });
        await call.RequestStream.CompleteAsync();
        var answer = await call.ResponseAsync;
        Assert.Equal(AppendResp.ResultOneofCase.Success, answer.ResultCase);
    }

    private async Task<IReadOnlyList<ChainBreak>> BreaksOfThisTestAsync()
    {
        var report = await new ChainVerifier(Store).VerifyAllAsync();
        return [.. report.Breaks.Where(b => b.StreamId.StartsWith($"store-{_tag}", StringComparison.Ordinal))];
    }

    private async Task<CheckpointReport> CheckNewestCheckpointAsync()
    {
        var checkpoint = SignedCheckpoint.FromJson(await File.ReadAllTextAsync(Directory.GetFiles(_exportDir, "checkpoint-*.json").Max()!));
        return await new LogAuditor(Store, new NotaryStore(_notaryTables.DataSource)).CheckAsync(checkpoint, _key!.Public);
    }

    [SkippableFact]
    public async Task An_untouched_log_verifies_and_is_consistent_with_its_checkpoint()
    {
        Skip.If(node.SkipReason is not null, node.SkipReason);

        Assert.Empty(await BreaksOfThisTestAsync());
        Assert.True((await CheckNewestCheckpointAsync()).Consistent);
    }

    [SkippableFact]
    public async Task A_stream_truncated_with_tb_is_a_break_at_its_first_revision_though_all_still_has_the_events()
    {
        Skip.If(node.SkipReason is not null, node.SkipReason);

        await SetStreamMetadataAsync(Stream("b"), """{"$tb":2}""");

        var broken = Assert.Single(await BreaksOfThisTestAsync());
        Assert.Equal((Stream("b"), 0UL), (broken.StreamId, broken.Revision));
        Assert.Equal("its reads start at revision 2: truncated", broken.Found);
        Assert.True((await CheckNewestCheckpointAsync()).Consistent);
    }

    [SkippableFact]
    public async Task A_stream_capped_with_max_count_is_a_break_at_its_first_revision()
    {
        Skip.If(node.SkipReason is not null, node.SkipReason);

        await SetStreamMetadataAsync(Stream("a"), """{"$maxCount":1}""");

        var broken = Assert.Single(await BreaksOfThisTestAsync());
        Assert.Equal((Stream("a"), 0UL), (broken.StreamId, broken.Revision));
        Assert.Equal("its reads start at revision 2: truncated", broken.Found);
    }

    [SkippableFact]
    public async Task A_soft_deleted_stream_is_a_break_naming_how_many_events_all_still_has()
    {
        Skip.If(node.SkipReason is not null, node.SkipReason);

        // A soft delete is exactly this metadata: truncate before the largest revision.
        await SetStreamMetadataAsync(Stream("a"), $$"""{"$tb":{{long.MaxValue}}}""");

        var broken = Assert.Single(await BreaksOfThisTestAsync());
        Assert.Equal((Stream("a"), 0UL), (broken.StreamId, broken.Revision));
        Assert.Equal("no event readable in the stream (3 in $all): deleted", broken.Found);
        Assert.True((await CheckNewestCheckpointAsync()).Consistent);
    }
}
