namespace OrderLedger.Api.Validation;

/// <summary>
/// Every route value and query-string value of every <c>/api</c> request is text held to <see cref="InputLimits"/>
/// (by its parameter name) before any endpoint sees it: a NUL in <c>/api/orders/{orderId}</c> or in
/// <c>?streamPrefix=</c> is a 400 naming the parameter, never a database error.
/// </summary>
public static class InputTextMiddleware
{
    public static IApplicationBuilder UseInputTextLimits(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.Request.Path.StartsWithSegments("/api") && Check(http.Request) is { Count: > 0 } errors)
        {
            await ApiProblems.Invalid(errors).ExecuteAsync(http);
            return;
        }

        await next(http);
    });

    public static Dictionary<string, string[]> Check(HttpRequest request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        InputValidator.CheckRoute(request.RouteValues, errors);
        foreach (var (name, values) in request.Query)
        {
            foreach (var value in values)
            {
                if (value is not null)
                {
                    InputValidator.CheckText(name, name, value, errors);
                }
            }
        }

        return errors;
    }
}
