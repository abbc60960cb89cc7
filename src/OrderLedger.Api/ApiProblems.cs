using Npgsql;
using OrderLedger.Connectors.Receiving;
using OrderLedger.Domain;
using OrderLedger.EventStore;
using OrderLedger.ReadModels.Infrastructure;

namespace OrderLedger.Api;

/// <summary>The API's error answers, written once: every one is an RFC 9457 problem.</summary>
public static class ApiProblems
{
    public const string RuleTypeBase = "https://orderledger.dev/rules/";

    /// <summary>
    /// A broken business rule: 409 when the current state forbids the command (including <c>concurrency.conflict</c>, the
    /// command kept colliding with other writers), 422 when the request itself breaks the rule. The stable rule id is in
    /// <c>rule</c> (and the <c>type</c> URI), the lines at fault in <c>lines</c>, the field at fault in <c>errors</c>.
    /// </summary>
    public static IResult Rule(DomainError error)
    {
        var extensions = new Dictionary<string, object?> { ["rule"] = error.Rule };
        if (error.Lines is { Count: > 0 } lines)
        {
            extensions["lines"] = lines;
        }

        if (error.Field is { } field)
        {
            // Shaped like a validation problem's, so clients find the field at fault in one place.
            extensions["errors"] = new Dictionary<string, string[]> { [field] = [error.Message] };
        }

        return Results.Problem(
            type: RuleTypeBase + error.Rule,
            title: error.Rule,
            detail: error.Message,
            statusCode: error.Kind == DomainErrorKind.Invalid ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status409Conflict,
            extensions: extensions);
    }

    /// <summary>Not there, or not in the caller's stores: the two look the same, so nothing leaks across stores.</summary>
    public static IResult NotFound(string what) =>
        Results.Problem(title: "Not found", detail: $"{what} was not found.", statusCode: StatusCodes.Status404NotFound);

    /// <summary>
    /// The token's role may not use the endpoint: <c>roles</c> lists the roles that may, <c>allStores</c> says whether it
    /// also takes a token of every store (<c>*</c>).
    /// </summary>
    public static IResult Forbidden(IReadOnlyList<string> roles, bool allStores) =>
        Results.Problem(
            title: "Forbidden",
            detail: $"Needs a token with one of the roles {string.Join(", ", roles)}{(allStores ? ", valid for every store (*)" : "")}.",
            statusCode: StatusCodes.Status403Forbidden,
            extensions: new Dictionary<string, object?> { ["roles"] = roles, ["allStores"] = allStores });
    /// A platform callback refused before anything was kept: 401 for a bad signature, 403 for a timestamp outside the
    /// window or a message sealed for another receiver, 400 for one that does not decrypt or parse, 404 for a store
    /// without that connector. The detail names the reason only — never the store's credentials or the message.
    /// </summary>
    public static IResult CallbackRefused(CallbackRefusal refusal, string detail) =>
        Results.Problem(
            title: "Callback refused",
            detail: detail,
            statusCode: refusal switch
            {
                CallbackRefusal.BadSignature => StatusCodes.Status401Unauthorized,
                CallbackRefusal.StaleTimestamp or CallbackRefusal.WrongReceiver => StatusCodes.Status403Forbidden,
                CallbackRefusal.NotConfigured => StatusCodes.Status404NotFound,
                _ => StatusCodes.Status400BadRequest,
            },
            extensions: new Dictionary<string, object?> { ["reason"] = CallbackReceiver.OutcomeOf(refusal) });

    public static IResult Invalid(string field, string message) => Invalid(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>A 400 validation problem: the fields at fault under <c>errors</c>, each with its messages.</summary>
    public static IResult Invalid(IDictionary<string, string[]> errors) => Results.ValidationProblem(errors);

    /// <summary>A page size outside 1 to <paramref name="max"/> is a 400 naming <paramref name="field"/>; null when it is in range.</summary>
    public static IResult? CheckPageSize(int size, string field = "limit", int max = ReadModelPage.MaxSize) =>
        PageSizeError(size, max) is { } error ? Invalid(field, error) : null;

    /// <summary>What is wrong with a page size outside 1 to <paramref name="max"/>, or null: for checks that gather every field's errors.</summary>
    public static string? PageSizeError(int size, int max = ReadModelPage.MaxSize) => size is < 1 || size > max ? $"Between 1 and {max}." : null;

    /// <summary>A stream with no events, as the raw log endpoints answer it.</summary>
    public static IResult StreamNotFound(string streamId) =>
        Results.Problem(title: "Stream not found", detail: $"No events in stream '{streamId}'.", statusCode: StatusCodes.Status404NotFound);

    /// <summary>A projection this process does not know: 404 naming the known ones, with <c>field</c> = <c>name</c>.</summary>
    public static IResult UnknownProjection(string name, IEnumerable<string> known) =>
        Results.Problem(
            title: "Unknown projection",
            detail: $"No projection is named '{name}'. Known: {string.Join(", ", known)}.",
            statusCode: StatusCodes.Status404NotFound,
            extensions: new Dictionary<string, object?> { ["field"] = "name" });

    public static IResult NoRebuild(string name) =>
        Results.Problem(title: "No rebuild", detail: $"Projection '{name}' has no rebuild in progress or on record.", statusCode: StatusCodes.Status404NotFound);

    public static IResult UnsupportedMediaType() =>
        Results.Problem(title: "Unsupported media type", detail: "Send the command as application/json.", statusCode: StatusCodes.Status415UnsupportedMediaType);

    /// <summary>A request the framework refused while reading it (typically 413 once the body outgrew its limit).</summary>
    public static IResult BadRequest(BadHttpRequestException refused, string title = "Bad request") =>
        Results.Problem(title: title, detail: refused.Message, statusCode: refused.StatusCode);

    public static IResult TooLarge(long maxBytes) =>
        Results.Problem(title: "Request too large", detail: $"This endpoint accepts at most {maxBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge);

    public static IResult TooManyCommands(int perMinute) =>
        Results.Problem(title: "Too many requests", detail: $"At most {perMinute} commands a minute per caller.", statusCode: StatusCodes.Status429TooManyRequests);

    /// <summary>How long a client waits before trying again after a 503.</summary>
    public const string UnavailableRetryAfterSeconds = "5";

    /// <summary>503 with <c>Retry-After</c>: a dependency is out of reach and nothing was changed.</summary>
    public static IResult Unavailable(HttpContext http, string title, string detail)
    {
        http.Response.Headers.RetryAfter = UnavailableRetryAfterSeconds;
        return Results.Problem(title: title, detail: detail, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>A raw append whose expected revision is not the stream's: 409 with the actual revision.</summary>
    public static IResult WrongExpectedRevision(WrongExpectedRevisionException ex) =>
        Results.Problem(
            title: "Wrong expected revision",
            detail: ex.Message,
            statusCode: StatusCodes.Status409Conflict,
            extensions: new Dictionary<string, object?> { ["actualRevision"] = ex.ActualRevision, ["field"] = "expectedRevision" });

    /// <summary>A raw append whose <c>Idempotency-Key</c> already wrote other events: 409 naming the header.</summary>
    public static IResult IdempotencyKeyReused(DuplicateEventIdException ex) =>
        Results.Problem(
            title: "Idempotency key already used",
            detail: $"{ex.Message} The Idempotency-Key was used for a different request.",
            statusCode: StatusCodes.Status409Conflict,
            extensions: new Dictionary<string, object?> { ["field"] = "Idempotency-Key" });

    /// <summary>
    /// Answers 503 with <c>Retry-After</c> when the event store or PostgreSQL is out of reach, or a read model the request
    /// reads has not been built yet, on every API endpoint.
    /// </summary>
    public static RouteGroupBuilder WithUnavailableAs503(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (Exception ex) when (ex is EventStoreUnavailableException or NpgsqlException { IsTransient: true } or TimeoutException)
            {
                return Unavailable(
                    context.HttpContext,
                    "Service unavailable",
                    "The event store or the read-model database is out of reach; nothing was changed. Try again.");
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                // A projector (this host's, or a process of its own) has not built its first generation yet.
                return Unavailable(
                    context.HttpContext,
                    "Read model not built yet",
                    "A read model this request needs is still being built by the projector; nothing was changed. Try again.");
            }
        });
        return group;
    }
}
