using System.Globalization;

namespace OrderLedger.Api.Validation;

/// <summary>Ranges of the query parameters that are numbers, days or moments (text ones: <see cref="InputTextMiddleware"/>).</summary>
public static class QueryRanges
{
    public const int MaxStuckHours = 365 * 24;
    public const int MaxSlaSeconds = 7 * 86_400;

    public static readonly DateOnly EarliestDay = DateOnly.FromDateTime(InputLimits.EarliestTime.UtcDateTime);
    public static readonly DateOnly LatestDay = DateOnly.FromDateTime(InputLimits.LatestTime.UtcDateTime).AddDays(-1);

    public static IResult? Moment(string field, DateTimeOffset? value) =>
        value is { } moment && (moment < InputLimits.EarliestTime || moment >= InputLimits.LatestTime)
            ? ApiProblems.Invalid(field, $"Between {InputLimits.EarliestTime:yyyy-MM-dd} and {InputLimits.LatestTime:yyyy-MM-dd}.")
            : null;

    public static IResult? Day(string field, DateOnly? value) =>
        value is { } day && (day < EarliestDay || day > LatestDay)
            ? ApiProblems.Invalid(field, $"Between {EarliestDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} and {LatestDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.")
            : null;
}
