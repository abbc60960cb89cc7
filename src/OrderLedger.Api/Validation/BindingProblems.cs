using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace OrderLedger.Api.Validation;

/// <summary>
/// A query, route or body value the endpoint could not bind (<c>hours=abc</c>, <c>from=2^63</c>, a body that is not
/// the expected JSON) is a 400 problem naming the parameter under <c>errors</c>, like every other bad input. The
/// framework reports such failures as <see cref="BadHttpRequestException"/>s whose message names the parameter.
/// </summary>
public sealed partial class BindingProblems : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || http.Response.HasStarted)
        {
            return false;
        }

        var problem = bad.StatusCode == StatusCodes.Status400BadRequest
            ? ApiProblems.Invalid(FieldOf(bad.Message), Explain(bad.Message))
            : ApiProblems.BadRequest(bad);
        await problem.ExecuteAsync(http);
        return true;
    }

    public static string FieldOf(string message) =>
        message.Contains("request body", StringComparison.Ordinal) || message.Contains("no body", StringComparison.Ordinal) ? "body"
        : ParameterName().Match(message) is { Success: true } match ? match.Groups["name"].Value
        : "request";

    private static string Explain(string message) =>
        message.Contains("request body", StringComparison.Ordinal) ? "Not valid JSON for this endpoint."
        : message.StartsWith("Required", StringComparison.Ordinal) ? "Required."
        : "Not a valid value for this parameter.";

    [GeneratedRegex("""parameter "(?:\S+ )?(?<name>[\w-]+)""")]
    private static partial Regex ParameterName();
}
