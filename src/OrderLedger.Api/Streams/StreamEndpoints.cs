using System.Security.Claims;
using System.Text;
using System.Text.Json;
using OrderLedger.Api.Security;
using OrderLedger.Api.Validation;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Hosting;

namespace OrderLedger.Api.Streams;

/// <summary>Raw access to the log: read a stream or $all, and append JSON events to a stream (hash-chained).</summary>
public static class StreamEndpoints
{
    private const int MaxPageSize = 1000;
    private const int MaxEventsPerAppend = 100;

    public static void MapStreamEndpoints(this IEndpointRouteBuilder app)
    {
        var streams = app.MapGroup("/api/streams");
        streams.MapGet("/{streamId}", ReadStream).RequireAuthorization(Policies.ReadLog);
        streams.MapPost("/{streamId}", AppendToStream).RequireAuthorization(Policies.AppendRaw);
        app.MapGet("/api/all", ReadAll).RequireAuthorization(Policies.ReadAll);
    }

    private static async Task<IResult> ReadStream(
        string streamId, ClaimsPrincipal user, IEventStore store, CancellationToken cancellationToken,
        ulong? from = null, string direction = "forwards", int limit = 100)
    {
        var errors = new Dictionary<string, string[]>();
        var readDirection = direction.ToLowerInvariant() switch
        {
            "forwards" => ReadDirection.Forwards,
            "backwards" => ReadDirection.Backwards,
            _ => Invalid(errors, "direction", "Use 'forwards' or 'backwards'.", ReadDirection.Forwards),
        };
        CheckLimit(errors, limit);
        StreamInput.CheckStreamId(streamId, errors);
        if (from > long.MaxValue)
        {
            errors["from"] = [$"A revision from 0 to {long.MaxValue}."];
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        // Store isolation: events of stores outside the caller's token are not there, as far as the caller can tell.
        var events = (await store.ReadStreamAsync(streamId, new StreamReadOptions(readDirection, from, limit), cancellationToken).ToListAsync(cancellationToken))
            .Where(user.CanSee)
            .ToList();
        return events.Count == 0 && from is null
            ? Results.Problem(title: "Stream not found", detail: $"No events in stream '{streamId}'.", statusCode: StatusCodes.Status404NotFound)
            : Results.Ok(new { streamId, events = events.Select(EventView.Of) });
    }

    private static async Task<IResult> ReadAll(
        ClaimsPrincipal user, IEventStore store, CancellationToken cancellationToken,
        string? after = null, int limit = 100, string? streamPrefix = null, string? typePrefix = null)
    {
        var errors = new Dictionary<string, string[]>();
        Position? afterPosition = null;
        if (after is not null)
        {
            afterPosition = Position.TryParse(after, out var parsed) && parsed.Commit <= long.MaxValue && parsed.Prepare <= long.MaxValue
                ? parsed
                : Invalid<Position?>(errors, "after", "A position looks like '1234/5678' (commit/prepare, each at most 2^63 − 1).", null);
        }

        if (streamPrefix is not null && typePrefix is not null)
        {
            errors["typePrefix"] = ["Filter by stream prefix or by type prefix, not both."];
        }

        CheckLimit(errors, limit);
        StreamInput.CheckPrefix("streamPrefix", streamPrefix, errors);
        StreamInput.CheckPrefix("typePrefix", typePrefix, errors);
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        var filter = streamPrefix is { Length: > 0 } ? EventFilter.StreamPrefix(streamPrefix)
            : typePrefix is { Length: > 0 } ? EventFilter.EventTypePrefix(typePrefix)
            : null;
        var events = await store.ReadAllAsync(afterPosition, filter, limit, cancellationToken).ToListAsync(cancellationToken);
        return Results.Ok(new { events = events.Where(user.CanSee).Select(EventView.Of), next = events.Count > 0 ? events[^1].Position.ToString() : after });
    }

    private static async Task<IResult> AppendToStream(
        string streamId, AppendRequest? request, HttpRequest http, ClaimsPrincipal user, IEventStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = Validate(streamId, request, out var expected);
        StreamInput.CheckStreamId(streamId, errors);
        StreamInput.CheckAppend(request?.StoreId, http.Headers["Idempotency-Key"].FirstOrDefault(), [.. request?.Events?.Select(e => (e.Type, e.Data)) ?? []], errors);
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        if (await StreamStoreScope.CheckAppendAsync(streamId, request!.StoreId, user, store, cancellationToken) is { } denied)
        {
            return denied;
        }

        var commandId = http.Headers["Idempotency-Key"].FirstOrDefault() is { Length: > 0 } key ? key : Guid.NewGuid().ToString("N");
        var context = new CommandContext(commandId, Actor.System(user.Identity?.Name ?? "api"), clock.GetUtcNow(), request!.StoreId);
        var payloads = request.Events!.Select(e => (e.Type!, Encoding.UTF8.GetBytes(e.Data.GetRawText()))).ToList();
        try
        {
            var result = await AppendChainedAsync(store, streamId, expected!.Value, payloads, context, cancellationToken);
            return Results.Ok(new { streamId, commandId, nextExpectedRevision = result.NextExpectedRevision, position = result.Position.ToString() });
        }
        catch (WrongExpectedRevisionException ex)
        {
            return Results.Problem(
                title: "Wrong expected revision",
                detail: ex.Message,
                statusCode: StatusCodes.Status409Conflict,
                extensions: new Dictionary<string, object?> { ["actualRevision"] = ex.ActualRevision, ["field"] = "expectedRevision" });
        }
        catch (DuplicateEventIdException ex)
        {
            return Results.Problem(
                title: "Idempotency key already used",
                detail: $"{ex.Message} The Idempotency-Key was used for a different request.",
                statusCode: StatusCodes.Status409Conflict,
                extensions: new Dictionary<string, object?> { ["field"] = "Idempotency-Key" });
        }
        catch (EventStoreUnavailableException ex)
        {
            http.HttpContext.Response.Headers.RetryAfter = "5";
            return Results.Problem(title: "Event store unavailable", detail: ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    /// <summary>
    /// The hash chain needs the stream's last event, so every append is pinned to the revision it read;
    /// "any" and "exists" re-read and try again when another writer got there first.
    /// </summary>
    private static async Task<AppendResult> AppendChainedAsync(
        IEventStore store, string streamId, ExpectedRevision expected, IReadOnlyList<(string, byte[])> payloads, CommandContext context, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var last = await store.ReadStreamAsync(streamId, StreamReadOptions.Last(1), cancellationToken).FirstOrDefaultAsync(cancellationToken);
            var pinned = expected.Kind is ExpectedRevisionKind.Any || (expected.Kind is ExpectedRevisionKind.StreamExists && last is not null)
                ? ExpectedRevision.After(last?.Revision)
                : expected;
            try
            {
                return await store.AppendAsync(streamId, pinned, EventCodec.EncodeRaw(payloads, context, ChainTip.After(streamId, last)), cancellationToken);
            }
            catch (WrongExpectedRevisionException)
            {
                // A retried request (same Idempotency-Key) finds its events already written: answer as the first time.
                var firstId = EventIds.Of(context, 0);
                var recent = await store.ReadStreamAsync(streamId, StreamReadOptions.Last(MaxPageSize), cancellationToken).ToListAsync(cancellationToken);
                var index = recent.FindIndex(e => e.EventId == firstId);
                if (index >= payloads.Count - 1)
                {
                    var original = recent[index - (payloads.Count - 1)];
                    return new AppendResult(original.Revision, original.Position);
                }

                if (pinned == expected || attempt == 5)
                {
                    throw;
                }
            }
        }
    }

    private static Dictionary<string, string[]> Validate(string streamId, AppendRequest? request, out ExpectedRevision? expected)
    {
        var errors = new Dictionary<string, string[]>();
        expected = null;
        if (string.IsNullOrWhiteSpace(streamId) || streamId.StartsWith('$'))
        {
            errors["streamId"] = ["A stream id is required and must not start with '$'."];
        }

        if (request is null)
        {
            errors["body"] = ["A JSON body with 'expectedRevision' and 'events' is required."];
            return errors;
        }

        expected = ParseExpected(request.ExpectedRevision);
        if (expected is null)
        {
            errors["expectedRevision"] = ["Use \"any\", \"no-stream\", \"exists\" or a revision number."];
        }

        if (request.Events is not { Count: > 0 and <= MaxEventsPerAppend })
        {
            errors["events"] = [$"Between 1 and {MaxEventsPerAppend} events are required."];
            return errors;
        }

        for (var i = 0; i < request.Events.Count; i++)
        {
            var e = request.Events[i];
            if (string.IsNullOrWhiteSpace(e.Type) || e.Type.StartsWith('$') || e.Type.Length > 200)
            {
                errors[$"events[{i}].type"] = ["A type name is required (at most 200 characters, not starting with '$')."];
            }

            if (e.Data.ValueKind != JsonValueKind.Object)
            {
                errors[$"events[{i}].data"] = ["Event data must be a JSON object."];
            }
        }

        return errors;
    }

    private static ExpectedRevision? ParseExpected(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => ExpectedRevision.Any,
        JsonValueKind.Number when value.TryGetUInt64(out var revision) => ExpectedRevision.Exact(revision),
        JsonValueKind.String => value.GetString() switch
        {
            "any" => ExpectedRevision.Any,
            "no-stream" => ExpectedRevision.NoStream,
            "exists" => ExpectedRevision.StreamExists,
            _ => null,
        },
        _ => null,
    };

    private static void CheckLimit(Dictionary<string, string[]> errors, int limit)
    {
        if (limit is < 1 or > MaxPageSize)
        {
            errors["limit"] = [$"Between 1 and {MaxPageSize}."];
        }
    }

    private static T Invalid<T>(Dictionary<string, string[]> errors, string field, string message, T fallback)
    {
        errors[field] = [message];
        return fallback;
    }
}

public sealed record AppendRequest(JsonElement ExpectedRevision, List<AppendedEvent>? Events, string? StoreId = null);

public sealed record AppendedEvent(string? Type, JsonElement Data);

public sealed record EventView(
    string StreamId, ulong Revision, string Position, Guid EventId, string Type, DateTimeOffset Created, JsonElement? Data, JsonElement? Metadata)
{
    public static EventView Of(RecordedEvent e) =>
        new(e.StreamId, e.Revision, e.Position.ToString(), e.EventId, e.Type, e.Created, AsJson(e.Data), AsJson(e.Metadata));

    private static JsonElement? AsJson(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            return bytes.IsEmpty ? null : JsonDocument.Parse(bytes).RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
