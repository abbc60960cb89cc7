using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using OrderLedger.Api.Telemetry;
using OrderLedger.Api.Validation;
using OrderLedger.Application;
using OrderLedger.Application.CommandHandling;
using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Stock;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Hosting;

namespace OrderLedger.Api.Commands;

/// <summary>
/// One path for every command endpoint: read and validate the body and route (<see cref="InputValidator"/>: 400 naming
/// the field), resolve the commandId
/// (body <c>commandId</c> or <c>Idempotency-Key</c>), check the caller may change the store the command touches (404
/// otherwise), run it through <see cref="CommandService"/>, and answer with its events or the broken rule
/// (<see cref="ApiProblems"/>). Nothing is appended on any error: validation and ownership come first, and the domain
/// appends nothing when it refuses.
/// </summary>
public sealed class CommandPipeline(
    CommandService commands,
    CommandOwnership ownership,
    CommandEnrichment enrichment,
    EventTypeRegistry registry,
    TimeProvider clock,
    IOptions<JsonOptions> json,
    ApiTelemetry telemetry,
    ILogger<CommandPipeline> logger)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <param name="answer">What a success answers instead of the events alone (the command, the accepted events); null = <see cref="CommandAccepted"/>.</param>
    public async Task<IResult> RunAsync<TBody>(
        HttpContext http, Func<TBody, CommandInput, object> build, CancellationToken cancellationToken, Func<object, CommandAccepted, CancellationToken, Task<object>>? answer = null)
        where TBody : CommandBody
    {
        var (command, input, commandId, invalid) = await ReadAsync(http, build, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        if (await ownership.CheckAsync(command, input.ClaimedStoreId, http.User, cancellationToken) is { } denied)
        {
            return denied;
        }

        // Stock streams belong to no aggregate's store: the store the body names (checked to own the warehouse) scopes
        // the command id, as every other aggregate's store does (EventIds.Of).
        var context = new CommandContext(commandId, ActorOf(http.User, command), input.OccurredAt, command is StockCommand ? input.ClaimedStoreId : null);
        var started = clock.GetTimestamp();
        command = await enrichment.EnrichAsync(command, cancellationToken);
        var outcome = await commands.ExecuteAsync(command, context, cancellationToken);
        var elapsed = clock.GetElapsedTime(started);
        var commandName = command.GetType().Name;
        var result = outcome.Error?.Rule ?? "accepted";
        telemetry.CommandHandled(commandName, outcome.Error?.Rule, elapsed);
        CommandLog.Handled(logger, commandName, commandId, context.Actor, result, elapsed.TotalMilliseconds, outcome.AlreadyProcessed);
        if (outcome.Error is { } error)
        {
            return ApiProblems.Rule(error);
        }

        if (outcome.AlreadyProcessed)
        {
            http.Response.Headers[ReplayedHeader] = "true";
        }

        var accepted = Accepted(commandId, outcome);
        return Results.Ok(answer is null ? accepted : await answer(command, accepted, cancellationToken));
    }

    /// <summary>
    /// Many commands of one request, each through the same path as one command's (ownership, <see cref="CommandService"/>)
    /// with its own command id (<c>{commandId}/{key}</c>) and its own answer: one refused does not stop the others. The
    /// body is read and validated once; <paramref name="check"/> refuses an item before it runs (e.g. not of the route's store).
    /// </summary>
    public async Task<IResult> RunEachAsync<TBody>(
        HttpContext http,
        Func<TBody, CommandInput, IReadOnlyList<(string Key, object Command)>> build,
        Func<object, CancellationToken, Task<DomainError?>> check,
        CancellationToken cancellationToken)
        where TBody : CommandBody
    {
        var (items, input, commandId, invalid) = await ReadAsync(http, build, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        // Items are independent commands on streams of their own, so a few run at once (the log's appends and the
        // database's round trips overlap); each answer keeps its item's place in the request.
        var results = new ItemOutcome[items.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, items.Count),
            new ParallelOptions { MaxDegreeOfParallelism = BatchConcurrency, CancellationToken = cancellationToken },
            async (index, ct) => results[index] = await RunItemAsync(http, input, commandId, items[index].Key, items[index].Command, check, ct));

        return Results.Ok(new BatchAccepted(commandId, results.Count(r => r.Events is not null), results.Count(r => r.Events is null), results));
    }

    /// <summary>How many items of one batch run at once: enough to overlap round trips, few enough not to crowd out other requests.</summary>
    public const int BatchConcurrency = 4;

    private async Task<ItemOutcome> RunItemAsync(
        HttpContext http, CommandInput input, string commandId, string key, object command, Func<object, CancellationToken, Task<DomainError?>> check, CancellationToken cancellationToken)
    {
        var refused = await ownership.CheckAsync(command, input.ClaimedStoreId, http.User, cancellationToken) is null
            ? await check(command, cancellationToken)
            : DomainError.Conflict(NotFoundRule, "");
        if (refused is not null)
        {
            return refused.Rule == NotFoundRule
                ? new ItemOutcome(key, NotFoundRule, NotFoundRule, $"'{key}' was not found in this store.", null)
                : new ItemOutcome(key, "refused", refused.Rule, refused.Message, null);
        }

        var context = new CommandContext($"{commandId}/{key}", ActorOf(http.User, command), input.OccurredAt);
        var started = clock.GetTimestamp();
        var outcome = await commands.ExecuteAsync(await enrichment.EnrichAsync(command, cancellationToken), context, cancellationToken);
        telemetry.CommandHandled(command.GetType().Name, outcome.Error?.Rule, clock.GetElapsedTime(started));
        return outcome.Error is { } error
            ? new ItemOutcome(key, "refused", error.Rule, error.Message, null)
            : new ItemOutcome(key, outcome.AlreadyProcessed ? "already-done" : "accepted", null, null, Accepted(context.CommandId, outcome).Events);
    }

    /// <summary>The rule of an item of a batch that is not there or not in the route's store (answered like a 404, per item).</summary>
    public const string NotFoundRule = "not-found";

    private CommandAccepted Accepted(string commandId, CommandOutcome outcome) => new(
        commandId,
        [.. outcome.Changes.SelectMany(change => change.Events.Select(e => new AcceptedEvent(change.StreamId, registry.TypeNameOf(e.GetType()), e)))]);

    /// <summary>
    /// Reads and validates the body and route, resolves the command id, and builds what the endpoint runs; the 400 naming
    /// every field at fault, if any, is in <c>Invalid</c>.
    /// </summary>
    private async Task<(TBuilt Built, CommandInput Input, string CommandId, IResult? Invalid)> ReadAsync<TBody, TBuilt>(
        HttpContext http, Func<TBody, CommandInput, TBuilt> build, CancellationToken cancellationToken)
        where TBody : CommandBody
    {
        var (body, bodyError) = await ReadBodyAsync<TBody>(http.Request, cancellationToken);
        if (bodyError is not null)
        {
            return (default!, null!, "", bodyError);
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        InputValidator.CheckRoute(http.Request.RouteValues, errors);
        InputValidator.Check(body!, errors);
        var commandId = CommandIdOf(body!, http.Request, errors);
        var input = new CommandInput(http, body!.OccurredAt ?? clock.GetUtcNow());
        var built = build(body, input);
        foreach (var (field, messages) in input.Errors)
        {
            errors[field] = messages;
        }

        return (built, input, commandId, errors.Count > 0 ? ApiProblems.Invalid(errors) : null);
    }

    private async Task<(TBody? Body, IResult? Error)> ReadBodyAsync<TBody>(HttpRequest request, CancellationToken cancellationToken)
        where TBody : CommandBody
    {
        if (request.ContentLength is > 0 && request.HasJsonContentType() is false)
        {
            return (null, ApiProblems.UnsupportedMediaType());
        }

        try
        {
            // No body at all reads as {}: commands with nothing to say need none, the others then name their missing fields.
            var body = request.ContentLength == 0
                ? JsonSerializer.Deserialize<TBody>("{}", json.Value.SerializerOptions)
                : await JsonSerializer.DeserializeAsync<TBody>(request.Body, json.Value.SerializerOptions, cancellationToken);
            return body is null
                ? (null, ApiProblems.Invalid("body", "A JSON object is required."))
                : (body, null);
        }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 1 } path ? path.TrimStart('$', '.') : "body";
            return (null, ApiProblems.Invalid(field.Length == 0 ? "body" : field, "Not valid JSON for this field."));
        }
        catch (BadHttpRequestException ex)
        {
            // Typically 413: the body outgrew the endpoint's limit while it was read.
            return (null, ApiProblems.BadRequest(ex, "Bad request body"));
        }
    }

    private static string CommandIdOf(CommandBody body, HttpRequest request, Dictionary<string, string[]> errors)
    {
        var header = request.Headers[IdempotencyKeyHeader].FirstOrDefault();
        if (body.CommandId is not null && header is not null && body.CommandId != header)
        {
            errors["commandId"] = [$"Differs from the {IdempotencyKeyHeader} header; send one or make them equal."];
        }

        var id = body.CommandId ?? header;
        if (id is not null && string.IsNullOrWhiteSpace(id))
        {
            errors["commandId"] = ["Must not be blank."];
        }
        else if (id is not null)
        {
            InputValidator.CheckText("commandId", "commandId", id, errors);
        }

        return id ?? Guid.NewGuid().ToString("N");
    }

    /// <summary>
    /// People who serve customers act as agents. An ingest connector speaks for the channel's customer and bot
    /// (docs/security.md, "Actor kinds"): what the customer does is recorded as the customer's, what the bot does as the
    /// bot's; anything else it sends, and everything administrators and other systems send, as the system's.
    /// </summary>
    private static Actor ActorOf(ClaimsPrincipal user, object command)
    {
        var id = user.Identity?.Name ?? "unknown";
        if (user.IsInRole(Roles.Agent) || user.IsInRole(Roles.Supervisor))
        {
            return new Actor(ActorKind.Agent, id);
        }

        if (!user.IsInRole(Roles.Ingest))
        {
            return Actor.System(id);
        }

        return command switch
        {
            StartConversation or ReceiveCustomerMessage or RateSatisfaction or AnswerNps => new Actor(ActorKind.Customer, id),
            ResolveConversation { ResolvedBy: ConversationDecider.ResolvedByCustomer } => new Actor(ActorKind.Customer, id),
            SendBotReply or HandOffToHuman or ResolveConversation { ResolvedBy: ConversationDecider.ResolvedByBot } => new Actor(ActorKind.Bot, id),
            _ => Actor.System(id),
        };
    }
}

internal static partial class CommandLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Command {Command} {CommandId} by {Actor}: {Outcome} in {ElapsedMs} ms (replayed: {Replayed})")]
    public static partial void Handled(ILogger logger, string command, string commandId, Actor actor, string outcome, double elapsedMs, bool replayed);
}

/// <summary>A command's outcome: the events it recorded (for a retried commandId, the events of the first time).</summary>
public sealed record CommandAccepted(string CommandId, IReadOnlyList<AcceptedEvent> Events);

public sealed record AcceptedEvent(string StreamId, string Type, object Data);

/// <summary>The answer of a batch: each item's outcome in the order sent, and how many were accepted and refused.</summary>
public sealed record BatchAccepted(string CommandId, int Accepted, int Refused, IReadOnlyList<ItemOutcome> Items);

/// <param name="Outcome"><c>accepted</c>, <c>already-done</c> (a retry), <c>refused</c> (the rule says why) or <c>not-found</c>.</param>
public sealed record ItemOutcome(string Key, string Outcome, string? Rule, string? Detail, IReadOnlyList<AcceptedEvent>? Events);
