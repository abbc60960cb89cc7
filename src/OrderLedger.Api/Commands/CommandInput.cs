using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Claims;

namespace OrderLedger.Api.Commands;

/// <summary>What every command body may carry besides its own fields.</summary>
public abstract record CommandBody
{
    /// <summary>Identifies the command: a retry with the same id returns the first outcome. Or send an <c>Idempotency-Key</c> header.</summary>
    public string? CommandId { get; init; }

    /// <summary>Business time of the fact; defaults to the server's clock.</summary>
    public DateTimeOffset? OccurredAt { get; init; }
}

/// <summary>
/// Builds a domain command from a request: route values, the caller, the business time, and required fields. Each
/// missing field is recorded under its JSON name (taken from the argument expression, <c>body.PaymentReference</c> →
/// <c>paymentReference</c>) so the 400 names every field at fault at once.
/// </summary>
public sealed class CommandInput(HttpContext http, DateTimeOffset occurredAt)
{
    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    public DateTimeOffset OccurredAt { get; } = occurredAt;

    /// <summary>The caller's subject (token <c>sub</c>): the default agent, picker, approver… of a command.</summary>
    public string Caller => http.User.Identity?.Name ?? "unknown";

    /// <summary>The caller's token, for commands whose rules depend on who asks (a refund request by staff).</summary>
    public ClaimsPrincipal User => http.User;

    /// <summary>The store the body names, for commands whose aggregate has no store of its own (stock).</summary>
    public string? ClaimedStoreId { get; set; }

    public string Route(string name) => http.GetRouteValue(name) as string ?? "";

    public string Text(string? value, [CallerArgumentExpression(nameof(value))] string field = "") =>
        string.IsNullOrWhiteSpace(value) ? Missing(field, "") : value;

    public T Value<T>(T? value, [CallerArgumentExpression(nameof(value))] string field = "")
        where T : struct =>
        value ?? Missing(field, default(T));

    public T Required<T>(T? value, [CallerArgumentExpression(nameof(value))] string field = "")
        where T : class =>
        value ?? Missing<T>(field, null!);

    /// <summary>A list that must be present (it may be empty; the domain rules on emptiness) and hold no null element.</summary>
    public IReadOnlyList<T> List<T>(IReadOnlyList<T?>? value, [CallerArgumentExpression(nameof(value))] string field = "")
        where T : class
    {
        if (value is null)
        {
            return Missing<IReadOnlyList<T>>(field, []);
        }

        if (value.Any(item => item is null))
        {
            Errors[JsonName(field)] = ["Must not contain null items."];
            return [];
        }

        return value!;
    }

    public void Invalid(string field, string message) => Errors[field] = [message];

    /// <summary>
    /// A time of day: "HH:mm" or "HH:mm:ss" (fractions allowed), or "24:00" for the end of the day, which is 00:00 — a day
    /// closing at 00:00 runs to midnight, and opens = closes is round the clock (docs/metrics.md). Anything else is a 400
    /// naming the field and the format.
    /// </summary>
    public TimeOnly TimeOfDay(string? value, [CallerArgumentExpression(nameof(value))] string field = "")
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Missing(field, TimeOnly.MinValue);
        }

        if (value is "24:00" or "24:00:00")
        {
            return TimeOnly.MinValue;
        }

        if (TimeOnly.TryParseExact(value, TimeOfDayFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }

        Errors[JsonName(field)] = [$"'{value}' is not a time of day: send \"HH:mm\" or \"HH:mm:ss\" (00:00 to 23:59:59), or \"24:00\" for the end of the day."];
        return TimeOnly.MinValue;
    }

    private static readonly string[] TimeOfDayFormats = ["HH:mm", "HH:mm:ss", "HH:mm:ss.FFFFFFF"];

    private T Missing<T>(string field, T fallback)
    {
        Errors[JsonName(field)] = ["Required."];
        return fallback;
    }

    private static string JsonName(string expression)
    {
        var name = expression[(expression.LastIndexOf('.') + 1)..].Trim();
        return name.Length == 0 ? expression : char.ToLowerInvariant(name[0]) + name[1..];
    }
}
