using System.Text;
using System.Text.Json.Serialization;
using OrderLedger.EventStore.Audit;
using OrderLedger.EventStore.Serialization;
using Xunit;

namespace OrderLedger.EventStore.Tests.Serialization;

public sealed record ParcelWeighed(string ParcelId, int Grams);
public sealed record ParcelWeighedV1(string Parcel, decimal Kilograms);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ParcelWeighed))]
[JsonSerializable(typeof(ParcelWeighedV1))]
internal sealed partial class TestEventsJsonContext : JsonSerializerContext;

public sealed class SerializationTests
{
    private static readonly CommandContext Context = new(
        "cmd-42", new Actor(ActorKind.Agent, "agent-7"), new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero), StoreId: "store-1", CorrelationId: "corr-1");

    private static EventCodec Codec() => new(new EventTypeRegistry()
        .Register("parcel-weighed-v2", TestEventsJsonContext.Default.ParcelWeighed)
        .RegisterUpcaster("parcel-weighed", TestEventsJsonContext.Default.ParcelWeighedV1, old => new ParcelWeighed(old.Parcel, (int)(old.Kilograms * 1000))));

    private const string StreamId = "parcel-1";
    private static readonly ChainTip NewStream = new(StreamId, null, null);

    private static RecordedEvent Recorded(EventData data, ulong revision = 0) =>
        new(StreamId, revision, new Position(1, revision + 1), data.EventId, data.Type, data.Data, data.Metadata, DateTimeOffset.UnixEpoch);

    [Fact]
    public void Event_ids_are_derived_from_the_command_and_the_index()
    {
        Assert.Equal(EventIds.For("cmd-1", 0), EventIds.For("cmd-1", 0));
        Assert.NotEqual(EventIds.For("cmd-1", 0), EventIds.For("cmd-1", 1));
        Assert.NotEqual(EventIds.For("cmd-1", 0), EventIds.For("cmd-2", 0));
        Assert.Equal(8, EventIds.For("cmd-1", 0).Version);
    }

    [Fact]
    public void The_same_command_id_in_two_stores_gives_different_event_ids()
    {
        Assert.NotEqual(EventIds.Of(Context, 0), EventIds.Of(Context with { StoreId = "store-2" }, 0));
        Assert.Equal(EventIds.Of(Context, 0), EventIds.Of(Context with { Actor = Actor.System("retry") }, 0));
        Assert.Equal(EventIds.For("cmd-42", 0), EventIds.Of(Context with { StoreId = null }, 0));
    }

    [Fact]
    public void Encoding_writes_the_stable_type_name_the_payload_and_the_metadata_of_the_command()
    {
        var encoded = Codec().Encode([new ParcelWeighed("p1", 1200)], Context, NewStream).Single();
        var decoded = Codec().Decode(Recorded(encoded));

        Assert.Equal("parcel-weighed-v2", encoded.Type);
        Assert.Equal("""{"parcelId":"p1","grams":1200}""", Encoding.UTF8.GetString(encoded.Data.Span));
        Assert.Equal(EventIds.Of(Context, 0), encoded.EventId);
        Assert.Equal(new ParcelWeighed("p1", 1200), decoded.Event);
        Assert.NotNull(decoded.Metadata);
        Assert.Equal("corr-1", decoded.Metadata.CorrelationId);
        Assert.Equal("cmd-42", decoded.Metadata.CausationId);
        Assert.Equal("store-1", decoded.Metadata.StoreId);
        Assert.Equal(new Actor(ActorKind.Agent, "agent-7"), decoded.Metadata.Actor);
        Assert.Equal(Context.OccurredAt, decoded.Metadata.OccurredAt);
        Assert.Equal(HashChain.GenesisHash, decoded.Metadata.PrevHash);
        Assert.Matches("^[0-9a-f]{64}$", decoded.Metadata.Hash);
    }

    [Fact]
    public void An_unknown_type_name_reads_as_an_unknown_event_not_a_crash()
    {
        var data = new EventData(Guid.NewGuid(), "drone-dispatched", "{\"x\":1}"u8.ToArray(), "{}"u8.ToArray());

        var decoded = Codec().Decode(Recorded(data));

        var unknown = Assert.IsType<UnknownEvent>(decoded.Event);
        Assert.Equal("drone-dispatched", unknown.TypeName);
    }

    [Fact]
    public void A_retired_type_name_is_upcast_to_the_current_record()
    {
        var old = new EventData(Guid.NewGuid(), "parcel-weighed", """{"parcel":"p9","kilograms":1.5}"""u8.ToArray(), "{}"u8.ToArray());

        Assert.Equal(new ParcelWeighed("p9", 1500), Codec().Decode(Recorded(old)).Event);
    }

    [Fact]
    public void Registering_a_type_name_twice_or_a_system_name_is_refused()
    {
        var registry = new EventTypeRegistry().Register("parcel-weighed-v2", TestEventsJsonContext.Default.ParcelWeighed);

        Assert.Throws<InvalidOperationException>(() => registry.Register("parcel-weighed-v2", TestEventsJsonContext.Default.ParcelWeighedV1));
        Assert.Throws<ArgumentException>(() => new EventTypeRegistry().Register("$stats", TestEventsJsonContext.Default.ParcelWeighed));
        Assert.Throws<InvalidOperationException>(() => registry.Serialize(new ParcelWeighedV1("p", 1)));
    }

    [Fact]
    public void Each_event_chains_to_the_previous_ones_hash()
    {
        var codec = Codec();
        var first = codec.Encode([new ParcelWeighed("p1", 1), new ParcelWeighed("p1", 2)], Context, NewStream);
        var lastHash = EventCodec.DecodeMetadata(first[^1].Metadata)!.Hash;
        var second = codec.Encode([new ParcelWeighed("p1", 3)], Context with { CommandId = "cmd-43" }, new ChainTip(StreamId, 1, lastHash));
        var stream = first.Concat(second).Select((e, i) => Recorded(e, (ulong)i)).ToList();

        Assert.Equal(lastHash, EventCodec.DecodeMetadata(second[0].Metadata)!.PrevHash);
        Assert.Null(HashChain.FindFirstBreak(stream));
    }

    [Fact]
    public void A_changed_payload_breaks_the_chain_at_that_event()
    {
        var events = Codec().Encode([new ParcelWeighed("p1", 1), new ParcelWeighed("p1", 2), new ParcelWeighed("p1", 3)], Context, NewStream)
            .Select((e, i) => Recorded(e, (ulong)i)).ToList();
        events[1] = events[1] with { Data = """{"parcelId":"p1","grams":20}"""u8.ToArray() };

        var broken = HashChain.FindFirstBreak(events);

        Assert.NotNull(broken);
        Assert.Equal(1ul, broken.Revision);
        Assert.StartsWith("hash ", broken.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deleted_event_breaks_the_chain_at_its_successor()
    {
        var events = Codec().Encode([new ParcelWeighed("p1", 1), new ParcelWeighed("p1", 2), new ParcelWeighed("p1", 3)], Context, NewStream)
            .Select((e, i) => Recorded(e, (ulong)i)).ToList();
        events.RemoveAt(1);

        Assert.Equal(2ul, HashChain.FindFirstBreak(events)?.Revision);
    }

    [Fact]
    public void New_events_are_sealed_with_hash_scheme_v2()
    {
        var encoded = Codec().Encode([new ParcelWeighed("p1", 1)], Context, NewStream).Single();

        Assert.Equal(HashChain.CurrentVersion, EventCodec.DecodeMetadata(encoded.Metadata)!.HashVersion);
        Assert.Contains("\"hashVersion\":2,\"prevHash\":", Encoding.UTF8.GetString(encoded.Metadata.Span), StringComparison.Ordinal);
    }

    [Fact]
    public void A_v2_hash_covers_the_stream_id_the_revision_and_the_event_id()
    {
        var events = Codec().Encode([new ParcelWeighed("p1", 1), new ParcelWeighed("p1", 2)], Context, NewStream)
            .Select((e, i) => Recorded(e, (ulong)i)).ToList();

        Assert.Null(HashChain.FindFirstBreak(events));
        Assert.Equal(0ul, HashChain.FindFirstBreak(events.Select(e => e with { StreamId = "parcel-2" }))?.Revision);
        Assert.Equal(1ul, HashChain.FindFirstBreak([events[0], events[1] with { EventId = Guid.NewGuid() }])?.Revision);
        Assert.StartsWith("hash ", HashChain.FindFirstBreak([events[0] with { Revision = 0 }, events[1] with { Revision = 1, EventId = events[0].EventId }])?.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void Events_sealed_under_v1_keep_verifying_and_a_v1_event_after_v2_is_a_downgrade()
    {
        var v1 = SealedV1("parcel-weighed-v2", """{"parcelId":"p1","grams":1}""", HashChain.GenesisHash);
        var v1Hash = EventCodec.HashOf(Recorded(v1));
        var v2 = Codec().Encode([new ParcelWeighed("p1", 2)], Context, new ChainTip(StreamId, 0, v1Hash)).Single();
        var afterV2 = SealedV1("parcel-weighed-v2", """{"parcelId":"p1","grams":3}""", EventCodec.HashOf(Recorded(v2, 1))!);

        Assert.Null(HashChain.FindFirstBreak([Recorded(v1), Recorded(v2, 1)]));
        var downgrade = HashChain.FindFirstBreak([Recorded(v1), Recorded(v2, 1), Recorded(afterV2, 2)]);
        Assert.Equal(2ul, downgrade?.Revision);
        Assert.Equal("hashVersion 1", downgrade?.Found);
    }

    /// <summary>An event as writers before hash scheme v2 sealed it.</summary>
    private static EventData SealedV1(string type, string data, string prevHash)
    {
        var unsealed = Encoding.UTF8.GetBytes($$"""{"correlationId":"c","causationId":"c","commandId":"c","actor":{"kind":"System","id":"old"},"occurredAt":"2026-10-01T10:00:00+00:00","prevHash":"{{prevHash}}"}""");
        var bytes = Encoding.UTF8.GetBytes(data);
        return new EventData(Guid.NewGuid(), type, bytes, HashChain.Seal(unsealed, HashChain.ComputeHash(prevHash, type, bytes, unsealed)));
    }

    [Fact]
    public void Metadata_without_a_sealed_hash_is_reported()
    {
        var unsealed = new EventData(Guid.NewGuid(), "parcel-weighed-v2", "{}"u8.ToArray(), """{"commandId":"x"}"""u8.ToArray());

        Assert.Equal("no hash in metadata", HashChain.FindFirstBreak([Recorded(unsealed)])?.Found);
    }

    [Fact]
    public void Positions_order_by_commit_then_prepare_and_round_trip_as_text()
    {
        Assert.True(new Position(1, 9) < new Position(2, 0));
        Assert.True(new Position(2, 1) < new Position(2, 3));
        Assert.True(Position.TryParse(new Position(12, 34).ToString(), out var parsed));
        Assert.Equal(new Position(12, 34), parsed);
        Assert.False(Position.TryParse("12-34", out _));
    }

    [Fact]
    public void Filters_need_a_prefix_and_match_streams_or_types()
    {
        var e = new RecordedEvent("order-1", 0, Position.Start, Guid.NewGuid(), "order-placed", default, default, default);

        Assert.True(EventFilter.StreamPrefix("order-").Matches(e));
        Assert.False(EventFilter.StreamPrefix("stock-").Matches(e));
        Assert.True(EventFilter.EventTypePrefix("x", "order-").Matches(e));
        Assert.Equal("order", e.Category);
        Assert.Throws<ArgumentException>(() => EventFilter.StreamPrefix());
        Assert.Throws<ArgumentException>(() => EventFilter.StreamPrefix(""));
    }
}
