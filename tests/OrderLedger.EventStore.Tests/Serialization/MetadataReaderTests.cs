using System.Text;
using OrderLedger.EventStore.Serialization;
using Xunit;

namespace OrderLedger.EventStore.Tests.Serialization;

/// <summary>
/// <see cref="EventMetadataReader"/> reads what the codec writes without the serializer, and reads it exactly as the
/// serializer does; anything else it leaves to the serializer.
/// </summary>
public sealed class MetadataReaderTests
{
    private const string Written =
        """{"correlationId":"c-1","causationId":"c-1","commandId":"c-1","storeId":"s-1","actor":{"kind":"Agent","id":"a-7"},"occurredAt":"2026-11-01T10:00:00.1234567+08:00","hashVersion":2,"prevHash":"p","hash":"h"}""";

    [Fact]
    public void Metadata_as_the_codec_writes_it_is_read_without_the_serializer_and_as_the_serializer_reads_it()
    {
        var random = new Random(20261203);
        for (var i = 0; i < 3_000; i++)
        {
            var commandId = "cmd-" + Text(random);
            var context = new CommandContext(
                commandId,
                new Actor((ActorKind)random.Next(4), Text(random)),
                new DateTimeOffset(random.NextInt64(DateTime.MinValue.Ticks + TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay), TimeSpan.Zero)
                    .ToOffset(TimeSpan.FromMinutes(random.Next(-14 * 60, 14 * 60 + 1))),
                StoreId: random.Next(3) == 0 ? null : Text(random),
                CorrelationId: random.Next(3) switch { 0 => null, 1 => commandId, _ => Text(random) },
                CausationId: random.Next(3) switch { 0 => null, 1 => commandId, _ => Text(random) },
                Fingerprint: random.Next(2) == 0 ? null : new CommandFingerprint(Text(random), Text(random)));
            var tip = new ChainTip("stream-" + i, random.Next(2) == 0 ? null : (ulong)random.Next(1_000), random.Next(2) == 0 ? null : Text(random));

            foreach (var encoded in EventCodec.EncodeRaw([("t", "{}"u8.ToArray()), ("t", "{}"u8.ToArray())], context, tip))
            {
                var json = StorableText.CleanJson(encoded.Metadata);
                Assert.True(EventMetadataReader.TryRead(json.Span, out var read), Encoding.UTF8.GetString(json.Span));
                AssertSame(EventCodec.DeserializeMetadata(json), read);
            }
        }
    }

    [Fact]
    public void The_three_ids_of_a_command_that_is_its_own_cause_are_one_string()
    {
        Assert.True(EventMetadataReader.TryRead(Encoding.UTF8.GetBytes(Written), out var read));
        Assert.Same(read!.CorrelationId, read.CausationId);
        Assert.Same(read.CausationId, read.CommandId);
    }

    [Theory]
    [InlineData("""{"correlationId":"c","causationId":"c","commandId":"c","actor":{"kind":"Bot","id":"b"},"occurredAt":"2026-11-01T10:00:00+00:00","extra":{"a":[1,2]}}""")]
    [InlineData("""{"correlationId":"c","correlationId":"d","causationId":"c","commandId":"c","actor":{"kind":"Bot","id":"b"},"occurredAt":"2026-11-01T10:00:00+00:00"}""")]
    [InlineData("""{"correlationId":"c","causationId":"c","commandId":"c","occurredAt":"2026-11-01T10:00:00+00:00"}""")]
    [InlineData("""{"correlationId":"c","causationId":"c","commandId":"c","actor":{"kind":1,"id":"b"},"occurredAt":"2026-11-01T10:00:00+00:00"}""")]
    [InlineData("""{"correlationId":"c","causationId":"c","commandId":"c","actor":{"kind":"agent","id":"b"},"occurredAt":"2026-11-01T10:00:00+00:00"}""")]
    [InlineData("""{"correlationId":"c","causationId":"c","commandId":"c","actor":{"id":"b","kind":"Agent"},"occurredAt":"2026-11-01T10:00:00+00:00"}""")]
    [InlineData("""{"correlationId":"c","causationId":"c","commandId":"c","actor":{"kind":"Agent","id":"b","x":1},"occurredAt":"2026-11-01T10:00:00+00:00"}""")]
    [InlineData("""{"correlationId":"c","causationId":"c","commandId":"c","actor":{"kind":"Ag\u0065nt","id":"b"},"occurredAt":"2026-11-01T10:00:00+00:00"}""")]
    [InlineData("""{"\u0063orrelationId":"c","causationId":"c","commandId":"c","actor":{"kind":"Bot","id":"b"},"occurredAt":"2026-11-01T10:00:00+00:00"}""")]
    [InlineData("""{"CorrelationId":"c","causationId":"c","commandId":"c","actor":{"kind":"Bot","id":"b"},"occurredAt":"2026-11-01T10:00:00+00:00"}""")]
    [InlineData("""{"correlationId":"c","causationId":"c","commandId":"c","actor":{"kind":"Bot","id":"b"},"occurredAt":"2026-11-01T10:00:00+00:00","hashVersion":"2"}""")]
    [InlineData("""{"correlationId":"c","causationId":"c","commandId":"c","actor":{"kind":"Bot","id":"b"},"occurredAt":"2026-11-01T10:00:00+00:00","hashVersion":2.5}""")]
    [InlineData("""{"correlationId":"c","causationId":"c","commandId":"c","actor":{"kind":"Bot","id":"b"},"occurredAt":"2026-11-01T10:00:00+00:00","hashVersion":3000000000}""")]
    [InlineData("""{"correlationId":"c","causationId":"c","commandId":"c","actor":{"kind":"Bot","id":"b"},"occurredAt":null}""")]
    [InlineData("""{"correlationId":"c","causationId":"c","commandId":"c","actor":{"kind":"Bot","id":"b"},"occurredAt":"yesterday"}""")]
    [InlineData("""{"correlationId":7,"causationId":"c","commandId":"c","actor":{"kind":"Bot","id":"b"},"occurredAt":"2026-11-01T10:00:00+00:00"}""")]
    [InlineData("""{"correlationId":"c","causationId":"c","commandId":"c","actor":{"kind":"Bot","id":"b"},"occurredAt":"2026-11-01T10:00:00+00:00"} x""")]
    [InlineData("""{"correlationId":"c","causationId":"c","commandId":"c","actor":{"kind":"Bot","id":"b"},"occurredAt":"2026-11-01T10:00:00+00:00"}{}""")]
    [InlineData("""{"correlationId":"c", /* note */ "causationId":"c","commandId":"c","actor":{"kind":"Bot","id":"b"},"occurredAt":"2026-11-01T10:00:00+00:00"}""")]
    [InlineData("""{"correlationId":"c","causationId":"c","commandId":"c","actor":{"kind":"Bot","id":"b"},"occurredAt":"2026-11-01T10:00:00+00:00",}""")]
    [InlineData("""{"correlationId":"c","causationId":"c","commandId":"c","actor":{"kind":"Bot","id":"b"},"occurredAt":"2026-11-01T10:00""")]
    [InlineData("""[{"correlationId":"c"}]""")]
    [InlineData("""{}""")]
    [InlineData("""null""")]
    [InlineData(""" "text" """)]
    public void Any_other_shape_is_left_to_the_serializer(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.False(EventMetadataReader.TryRead(bytes, out _));
        AssertSame(EventCodec.DeserializeMetadata(bytes), EventCodec.DecodeMetadata(bytes));
    }

    [Theory]
    [InlineData(Written)]
    [InlineData("""{"correlationId":null,"causationId":"c","commandId":"c","storeId":null,"actor":null,"occurredAt":"2026-11-01T10:00:00Z","hashVersion":null}""")]
    [InlineData(""" { "correlationId" : "c\"q\u00e9" , "causationId":"c","commandId":"c","actor":{ "kind":"System" , "id":null },"occurredAt":"2026-11-01T10:00:00.5-03:30" } """)]
    public void Nulls_escapes_and_white_space_read_as_the_serializer_reads_them(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.True(EventMetadataReader.TryRead(bytes, out var read));
        AssertSame(EventCodec.DeserializeMetadata(bytes), read);
    }

    [Fact]
    public void Text_that_is_not_UTF_8_is_left_to_the_serializer()
    {
        const string Rest = "\",\"causationId\":\"c\",\"commandId\":\"c\",\"actor\":{\"kind\":\"Bot\",\"id\":\"b\"},\"occurredAt\":\"2026-11-01T10:00:00+00:00\"}";
        byte[] bytes = [.. "{\"correlationId\":\"c"u8, 0xC3, 0x28, .. Encoding.UTF8.GetBytes(Rest)];
        Assert.False(EventMetadataReader.TryRead(bytes, out _));
        Assert.Null(EventCodec.DeserializeMetadata(bytes));
        Assert.Null(EventCodec.DecodeMetadata(bytes)); // metadata of another shape: the event still replays, without it
    }

    private static void AssertSame(EventMetadata? expected, EventMetadata? actual)
    {
        Assert.Equal(expected, actual);
        Assert.Equal(expected?.OccurredAt.Offset, actual?.OccurredAt.Offset);
    }

    /// <summary>Ids as other systems send them: quotes, backslashes, controls, accents, CJK, emoji (and surrogate pairs).</summary>
    private static string Text(Random random)
    {
        string[] pieces = ["a", "Z", "9", "-", "/", "\"", "\\", "\n", "\t", "\u0001", "\0", "é", "订单", "😀", " ", "<", "&", "'", "+"];
        var builder = new StringBuilder();
        for (var i = random.Next(0, 12); i > 0; i--)
        {
            builder.Append(pieces[random.Next(pieces.Length)]);
        }

        return builder.ToString();
    }
}
