using System.Text;
using Google.Protobuf;
using OrderLedger.EventStore.EventStoreDb.Protocol;
using OrderLedger.EventStore.EventStoreDb.Tests.Fakes;
using Options = OrderLedger.EventStore.EventStoreDb.Protocol.ReadReq.Types.Options;

namespace OrderLedger.EventStore.EventStoreDb.Tests;

public sealed class UuidMappingTests
{
    // Vectors: java.util.UUID.fromString(text).getMostSignificantBits() / getLeastSignificantBits(), the form the
    // protocol's structured UUID carries. The first is RFC 4122's own example UUID.
    [Theory]
    [InlineData("f81d4fae-7dec-11d0-a765-00a0c91e6bf6", unchecked((long)0xF81D4FAE7DEC11D0), unchecked((long)0xA76500A0C91E6BF6))]
    [InlineData("00000000-0000-0001-0000-000000000002", 1L, 2L)]
    [InlineData("00112233-4455-6677-8899-aabbccddeeff", 0x0011223344556677L, unchecked((long)0x8899AABBCCDDEEFF))]
    [InlineData("ffffffff-ffff-ffff-ffff-ffffffffffff", -1L, -1L)]
    [InlineData("00000000-0000-0000-0000-000000000000", 0L, 0L)]
    public void A_guid_travels_as_its_most_and_least_significant_bits(string text, long most, long least)
    {
        var uuid = ProtocolMapping.ToUuid(Guid.Parse(text));

        Assert.Equal(UUID.ValueOneofCase.Structured, uuid.ValueCase);
        Assert.Equal(most, uuid.Structured.MostSignificantBits);
        Assert.Equal(least, uuid.Structured.LeastSignificantBits);
        Assert.Equal(Guid.Parse(text), ProtocolMapping.ToGuid(uuid));
    }

    [Fact]
    public void The_string_form_is_read_too()
    {
        var uuid = new UUID { String = "f81d4fae-7dec-11d0-a765-00a0c91e6bf6" };

        Assert.Equal(Guid.Parse("f81d4fae-7dec-11d0-a765-00a0c91e6bf6"), ProtocolMapping.ToGuid(uuid));
    }

    [Fact]
    public void Every_guid_survives_the_round_trip()
    {
        for (var i = 0; i < 1000; i++)
        {
            var id = Guid.NewGuid();
            Assert.Equal(id, ProtocolMapping.ToGuid(ProtocolMapping.ToUuid(id)));
        }
    }

    [Fact]
    public void An_empty_or_malformed_uuid_is_a_protocol_error()
    {
        Assert.Throws<FormatException>(() => ProtocolMapping.ToGuid(new UUID()));
        Assert.Throws<FormatException>(() => ProtocolMapping.ToGuid(new UUID { String = "not-a-uuid" }));
    }

    [Fact]
    public void The_wire_bytes_of_a_structured_uuid_are_two_int64_fields()
    {
        // Field 1 (structured, length-delimited) holding field 1 and field 2 as varints: the server decodes by number.
        var bytes = ProtocolMapping.ToUuid(Guid.Parse("00000000-0000-0001-0000-000000000002")).ToByteArray();

        Assert.Equal(new byte[] { 0x0A, 0x04, 0x08, 0x01, 0x10, 0x02 }, bytes);
    }
}

public sealed class AppendMappingTests
{
    [Fact]
    public void Expected_revisions_map_to_the_options_oneof()
    {
        Assert.Equal(AppendReq.Types.Options.ExpectedStreamRevisionOneofCase.Any,
            ProtocolMapping.ToAppendOptions("order-1", ExpectedRevision.Any).Options.ExpectedStreamRevisionCase);
        Assert.Equal(AppendReq.Types.Options.ExpectedStreamRevisionOneofCase.NoStream,
            ProtocolMapping.ToAppendOptions("order-1", ExpectedRevision.NoStream).Options.ExpectedStreamRevisionCase);
        Assert.Equal(AppendReq.Types.Options.ExpectedStreamRevisionOneofCase.StreamExists,
            ProtocolMapping.ToAppendOptions("order-1", ExpectedRevision.StreamExists).Options.ExpectedStreamRevisionCase);

        var exact = ProtocolMapping.ToAppendOptions("order-1", ExpectedRevision.Exact(41)).Options;
        Assert.Equal(AppendReq.Types.Options.ExpectedStreamRevisionOneofCase.Revision, exact.ExpectedStreamRevisionCase);
        Assert.Equal(41ul, exact.Revision);
    }

    [Fact]
    public void Exact_revision_zero_is_sent_as_revision_zero_not_as_no_stream()
    {
        var options = ProtocolMapping.ToAppendOptions("order-1", ExpectedRevision.Exact(0)).Options;

        Assert.Equal(AppendReq.Types.Options.ExpectedStreamRevisionOneofCase.Revision, options.ExpectedStreamRevisionCase);
        Assert.Equal(0ul, options.Revision);
    }

    [Fact]
    public void The_stream_name_travels_as_utf8_bytes()
    {
        var options = ProtocolMapping.ToAppendOptions("order-ü1", ExpectedRevision.Any).Options;

        Assert.Equal(Encoding.UTF8.GetBytes("order-ü1"), options.StreamIdentifier.StreamName.ToByteArray());
    }

    [Fact]
    public void A_proposed_event_carries_type_and_content_type_as_system_metadata_and_our_metadata_verbatim()
    {
        var id = Guid.NewGuid();
        var metadata = Encoding.UTF8.GetBytes("{\"prevHash\":\"abc\",  \"hash\":\"def\"}");
        var data = Encoding.UTF8.GetBytes("{\"sku\":\"A-1\"}");

        var message = ProtocolMapping.ToProposedMessage(new EventData(id, "order-placed", data, metadata)).ProposedMessage;

        Assert.Equal(id, ProtocolMapping.ToGuid(message.Id));
        Assert.Equal(2, message.Metadata.Count);
        Assert.Equal("order-placed", message.Metadata["type"]);
        Assert.Equal("application/json", message.Metadata["content-type"]);
        Assert.Equal(metadata, message.CustomMetadata.ToByteArray());
        Assert.Equal(data, message.Data.ToByteArray());
    }

    [Fact]
    public void A_binary_event_keeps_its_content_type()
    {
        var message = ProtocolMapping.ToProposedMessage(new EventData(Guid.NewGuid(), "blob", new byte[] { 1, 2 }, default, "application/octet-stream")).ProposedMessage;

        Assert.Equal("application/octet-stream", message.Metadata["content-type"]);
        Assert.True(message.CustomMetadata.IsEmpty);
    }

    [Fact]
    public void Success_gives_the_revision_and_position()
    {
        var outcome = ProtocolMapping.ToAppendOutcome(
            new AppendResp
            {
                Success = new AppendResp.Types.Success
                {
                    CurrentRevision = 7,
                    Position = new AppendResp.Types.Position { CommitPosition = 900, PreparePosition = 850 },
                },
            },
            "order-1",
            ExpectedRevision.Any);

        Assert.Equal(7ul, outcome.CurrentRevision);
        Assert.Equal(new Position(900, 850), outcome.Position);
    }

    [Fact]
    public void An_idempotent_success_comes_without_a_position()
    {
        var outcome = ProtocolMapping.ToAppendOutcome(Server.Success(2, null), "order-1", ExpectedRevision.NoStream);

        Assert.Equal(2ul, outcome.CurrentRevision);
        Assert.Null(outcome.Position);
    }

    [Fact]
    public void Wrong_expected_version_throws_with_the_actual_revision()
    {
        var response = new AppendResp
        {
            WrongExpectedVersion = new AppendResp.Types.WrongExpectedVersion { CurrentRevision = 4, ExpectedRevision = 1 },
        };

        var error = Assert.Throws<WrongExpectedRevisionException>(() => ProtocolMapping.ToAppendOutcome(response, "order-1", ExpectedRevision.Exact(1)));

        Assert.Equal("order-1", error.StreamId);
        Assert.Equal(ExpectedRevision.Exact(1), error.Expected);
        Assert.Equal(4ul, error.ActualRevision);
    }

    [Fact]
    public void Wrong_expected_version_on_a_missing_stream_has_no_actual_revision()
    {
        var response = new AppendResp
        {
            WrongExpectedVersion = new AppendResp.Types.WrongExpectedVersion { CurrentNoStream = new Empty(), ExpectedStreamExists = new Empty() },
        };

        var error = Assert.Throws<WrongExpectedRevisionException>(() => ProtocolMapping.ToAppendOutcome(response, "order-1", ExpectedRevision.StreamExists));

        Assert.Null(error.ActualRevision);
    }

    [Fact]
    public void A_20_6_0_server_reports_the_actual_revision_in_its_own_fields()
    {
        var response = new AppendResp
        {
            WrongExpectedVersion = new AppendResp.Types.WrongExpectedVersion { CurrentRevision2060 = 9, ExpectedRevision2060 = 3 },
        };

        var error = Assert.Throws<WrongExpectedRevisionException>(() => ProtocolMapping.ToAppendOutcome(response, "order-1", ExpectedRevision.Exact(3)));

        Assert.Equal(9ul, error.ActualRevision);
    }

    [Fact]
    public void An_empty_answer_is_a_protocol_error()
    {
        Assert.Throws<EventStoreDbProtocolException>(() => ProtocolMapping.ToAppendOutcome(new AppendResp(), "order-1", ExpectedRevision.Any));
    }
}

public sealed class ReadMappingTests
{
    [Fact]
    public void A_forward_stream_read_starts_at_the_start_with_a_count_and_no_filter()
    {
        var options = ProtocolMapping.ToReadStreamRequest("order-1", StreamReadOptions.All).Options;

        Assert.Equal(Options.StreamOptionOneofCase.Stream, options.StreamOptionCase);
        Assert.Equal("order-1", ProtocolMapping.ToStreamId(options.Stream.StreamIdentifier));
        Assert.Equal(Options.Types.StreamOptions.RevisionOptionOneofCase.Start, options.Stream.RevisionOptionCase);
        Assert.Equal(Options.Types.ReadDirection.Forwards, options.ReadDirection);
        Assert.Equal((ulong)long.MaxValue, options.Count);
        Assert.Equal(Options.FilterOptionOneofCase.NoFilter, options.FilterOptionCase);
        Assert.Equal(Options.Types.UUIDOption.ContentOneofCase.Structured, options.UuidOption.ContentCase);
        Assert.False(options.ResolveLinks);
    }

    [Fact]
    public void A_backward_read_without_a_revision_starts_at_the_end()
    {
        var options = ProtocolMapping.ToReadStreamRequest("order-1", StreamReadOptions.Last(2)).Options;

        Assert.Equal(Options.Types.StreamOptions.RevisionOptionOneofCase.End, options.Stream.RevisionOptionCase);
        Assert.Equal(Options.Types.ReadDirection.Backwards, options.ReadDirection);
        Assert.Equal(2ul, options.Count);
    }

    [Fact]
    public void A_read_from_a_revision_names_it()
    {
        var options = ProtocolMapping.ToReadStreamRequest("order-1", new StreamReadOptions(ReadDirection.Backwards, 5, 3)).Options;

        Assert.Equal(Options.Types.StreamOptions.RevisionOptionOneofCase.Revision, options.Stream.RevisionOptionCase);
        Assert.Equal(5ul, options.Stream.Revision);
    }

    [Fact]
    public void Reading_all_from_the_start_or_after_a_position()
    {
        var fromStart = ProtocolMapping.ToReadAllRequest(null, null, 10).Options;
        var fromStartPosition = ProtocolMapping.ToReadAllRequest(Position.Start, null, 10).Options;
        var after = ProtocolMapping.ToReadAllRequest(new Position(1234, 1200), null, 10).Options;

        Assert.Equal(Options.Types.AllOptions.AllOptionOneofCase.Start, fromStart.All.AllOptionCase);
        Assert.Equal(Options.Types.AllOptions.AllOptionOneofCase.Start, fromStartPosition.All.AllOptionCase);
        Assert.Equal(Options.Types.AllOptions.AllOptionOneofCase.Position, after.All.AllOptionCase);
        Assert.Equal(1234ul, after.All.Position.CommitPosition);
        Assert.Equal(1200ul, after.All.Position.PreparePosition);
        Assert.Equal(Options.Types.ReadDirection.Forwards, after.ReadDirection);
        Assert.Equal(10ul, after.Count);
    }

    [Fact]
    public void Without_a_filter_all_reads_exclude_system_event_types_on_the_server()
    {
        var filter = ProtocolMapping.ToReadAllRequest(null, null, 10).Options.Filter;

        Assert.Equal(Options.Types.FilterOptions.FilterOneofCase.EventType, filter.FilterCase);
        Assert.Equal(@"^[^\$].*", filter.EventType.Regex);
        Assert.Empty(filter.EventType.Prefix);
        Assert.Equal(Options.Types.FilterOptions.WindowOneofCase.Count, filter.WindowCase);
        Assert.Matches(filter.EventType.Regex, "order-placed");
        Assert.DoesNotMatch(filter.EventType.Regex, "$metadata");
    }

    [Fact]
    public void A_stream_prefix_filter_becomes_a_stream_identifier_prefix_expression()
    {
        var filter = ProtocolMapping.ToFilterOptions(EventFilter.StreamPrefix("order-", "refund-"), subscription: false);

        Assert.Equal(Options.Types.FilterOptions.FilterOneofCase.StreamIdentifier, filter.FilterCase);
        Assert.Equal(new[] { "order-", "refund-" }, filter.StreamIdentifier.Prefix);
        Assert.Equal(string.Empty, filter.StreamIdentifier.Regex);
    }

    [Fact]
    public void An_event_type_prefix_filter_becomes_an_event_type_prefix_expression()
    {
        var filter = ProtocolMapping.ToFilterOptions(EventFilter.EventTypePrefix("order-"), subscription: false);

        Assert.Equal(Options.Types.FilterOptions.FilterOneofCase.EventType, filter.FilterCase);
        Assert.Equal(new[] { "order-" }, filter.EventType.Prefix);
    }

    [Fact]
    public void A_subscription_filter_has_a_search_window_and_a_non_zero_checkpoint_multiplier()
    {
        var filter = ProtocolMapping.ToFilterOptions(EventFilter.StreamPrefix("order-"), subscription: true);

        Assert.Equal(Options.Types.FilterOptions.WindowOneofCase.Max, filter.WindowCase);
        Assert.Equal(32u, filter.Max);
        Assert.True(filter.CheckpointIntervalMultiplier > 0);
    }

    [Fact]
    public void A_subscription_to_all_is_a_forward_read_with_subscription_options()
    {
        var options = ProtocolMapping.ToSubscribeToAllRequest(new Position(50, 40), null).Options;

        Assert.Equal(Options.CountOptionOneofCase.Subscription, options.CountOptionCase);
        Assert.Equal(Options.Types.AllOptions.AllOptionOneofCase.Position, options.All.AllOptionCase);
        Assert.Equal(50ul, options.All.Position.CommitPosition);
        Assert.Equal(40ul, options.All.Position.PreparePosition);
        Assert.Equal(Options.Types.ReadDirection.Forwards, options.ReadDirection);
        Assert.Equal(@"^[^\$].*", options.Filter.EventType.Regex);
        Assert.Equal(Options.Types.FilterOptions.WindowOneofCase.Max, options.Filter.WindowCase);
    }

    [Fact]
    public void The_head_is_the_last_non_system_event_read_backwards_from_the_end()
    {
        var options = ProtocolMapping.ToReadHeadRequest(null).Options;

        Assert.Equal(Options.Types.AllOptions.AllOptionOneofCase.End, options.All.AllOptionCase);
        Assert.Equal(Options.Types.ReadDirection.Backwards, options.ReadDirection);
        Assert.Equal(1ul, options.Count);
        Assert.Equal(@"^[^\$].*", options.Filter.EventType.Regex);
    }

    [Fact]
    public void A_read_event_becomes_a_recorded_event_with_its_bytes_verbatim()
    {
        var id = Guid.NewGuid();
        var response = Server.Event("order-1", 3, 500, "order-placed", id, "{\"a\":1}", "{ \"hash\" : \"x\" }");
        response.Event.Event.PreparePosition = 480;
        response.Event.Event.Metadata["created"] = "17000000000000000"; // 2023-11-14T22:13:20Z

        var record = ProtocolMapping.ToRecordedEvent(response.Event);

        Assert.Equal("order-1", record.StreamId);
        Assert.Equal(3ul, record.Revision);
        Assert.Equal(new Position(500, 480), record.Position);
        Assert.Equal(id, record.EventId);
        Assert.Equal("order-placed", record.Type);
        Assert.Equal("application/json", record.ContentType);
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(record.Data.Span));
        Assert.Equal("{ \"hash\" : \"x\" }", Encoding.UTF8.GetString(record.Metadata.Span));
        Assert.Equal(new DateTimeOffset(2023, 11, 14, 22, 13, 20, TimeSpan.Zero), record.Created);
        Assert.Equal("order", record.Category);
    }

    [Fact]
    public void The_event_is_used_not_the_link_that_resolved_to_it()
    {
        var response = Server.Event("order-1", 3, 500);
        response.Event.Link = Server.Event("$ce-order", 77, 9000, "$>").Event.Event;

        var record = ProtocolMapping.ToRecordedEvent(response.Event);

        Assert.Equal("order-1", record.StreamId);
        Assert.Equal(3ul, record.Revision);
    }

    [Fact]
    public void An_event_without_a_type_is_a_protocol_error()
    {
        var response = Server.Event("order-1", 0, 1);
        response.Event.Event.Metadata.Remove("type");

        Assert.Throws<EventStoreDbProtocolException>(() => ProtocolMapping.ToRecordedEvent(response.Event));
    }

    [Fact]
    public void Created_is_ticks_since_the_unix_epoch()
    {
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(1), ProtocolMapping.ToCreated("10000000"));
        Assert.Equal(DateTimeOffset.UnixEpoch, ProtocolMapping.ToCreated(null));
    }

    [Fact]
    public void System_event_types_start_with_a_dollar()
    {
        Assert.True(ProtocolMapping.IsSystemEventType("$metadata"));
        Assert.True(ProtocolMapping.IsSystemEventType("$>"));
        Assert.False(ProtocolMapping.IsSystemEventType("order-placed"));
    }

    [Fact]
    public void Positions_map_commit_then_prepare()
    {
        Assert.Equal(new Position(10, 9), ProtocolMapping.ToPosition(new AppendResp.Types.Position { CommitPosition = 10, PreparePosition = 9 }));
        Assert.Equal(new Position(10, 9), ProtocolMapping.ToPosition(new ReadResp.Types.Checkpoint { CommitPosition = 10, PreparePosition = 9 }));
        Assert.Equal(new Position(10, 9), ProtocolMapping.ToPosition(new ReadResp.Types.Position { CommitPosition = 10, PreparePosition = 9 }));
        var read = ProtocolMapping.ToReadPosition(new Position(10, 9));
        Assert.Equal((10ul, 9ul), (read.CommitPosition, read.PreparePosition));
    }
}
