using Npgsql;
using OrderLedger.Domain;
using OrderLedger.EventStore;

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

    public static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

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

    /// <summary>503 with <c>Retry-After</c>: the event store is out of reach.</summary>
    public static IResult Unavailable(HttpContext http, string detail, string title = "Event store unavailable")
    {
        http.Response.Headers.RetryAfter = "5";
        return Results.Problem(title: title, detail: detail, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>Answers 503 with <c>Retry-After</c> when the event store or PostgreSQL is out of reach, on every API endpoint.</summary>
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
                    context.HttpContext, "The event store or the read-model database is out of reach; nothing was changed. Try again.", "Service unavailable");
            }
        });
        return group;
    }
}
