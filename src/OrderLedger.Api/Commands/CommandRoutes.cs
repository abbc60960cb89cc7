using OrderLedger.Api.Security;

namespace OrderLedger.Api.Commands;

/// <summary>
/// Every command endpoint: <c>POST</c>, JSON body, policy <see cref="Policies.Commands"/>, the command rate limit and
/// body size limit. One file per aggregate maps its commands with <see cref="MapCommand{TBody}"/>.
/// </summary>
public static class CommandRoutes
{
    public const string RateLimitPolicy = "commands";

    /// <summary>Largest command body accepted (an order with many lines fits comfortably).</summary>
    public const long MaxBodyBytes = 256 * 1024;

    public static void MapCommandEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api")
            .RequireAuthorization(Policies.Commands)
            .RequireRateLimiting(RateLimitPolicy)
            .WithMetadata(new BodySizeLimit(MaxBodyBytes))
            .WithUnavailableAs503();
        api.MapStoreCommands();
        api.MapStockCommands();
        api.MapOrderCommands();
        api.MapShipmentCommands();
        api.MapRefundCommands();
        api.MapReturnCommands();
        api.MapConversationCommands();
        api.MapRosterCommands();
        api.MapWorkOrderCommands();
    }

    /// <param name="answer">What a success answers besides the events (see <see cref="CommandPipeline.RunAsync{TBody}"/>); null = <see cref="CommandAccepted"/>.</param>
    public static RouteHandlerBuilder MapCommand<TBody>(
        this IEndpointRouteBuilder group, string pattern, string summary, Func<TBody, CommandInput, object> build,
        Func<HttpContext, object, CommandAccepted, CancellationToken, Task<object>>? answer = null)
        where TBody : CommandBody =>
        group.MapPost(pattern, (HttpContext http, CommandPipeline pipeline, CancellationToken cancellationToken) =>
                pipeline.RunAsync(http, build, cancellationToken, answer is null ? null : (command, accepted, ct) => answer(http, command, accepted, ct)))
            .Accepts<TBody>("application/json")
            .Produces<CommandAccepted>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary(summary)
            .WithTags("Commands");
}

/// <summary>Endpoint metadata: the largest request body the endpoint accepts (enforced by <see cref="BodySizeLimitMiddleware"/>).</summary>
public sealed record BodySizeLimit(long MaxBytes);
