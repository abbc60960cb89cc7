using System.Globalization;

namespace OrderLedger.Metrics;

/// <summary>
/// Which facts a figure covers (brief §5: "store-local calendar days and rolling 30 days").
/// <list type="bullet">
/// <item><see cref="Days"/>: facts whose store-local day (in the store's time zone when they happened) is between
/// <see cref="From"/> and <see cref="To"/>, both included.</item>
/// <item><see cref="Rolling30Days"/>: facts that happened in the 30 × 24 hours up to and including the query's "now".</item>
/// </list>
/// Facts later than "now" are never counted, so a figure asked for with a past "now" is the figure as it stood then.
/// </summary>
public sealed record MetricWindow
{
    public const int RollingDays = 30;

    private MetricWindow(DateOnly? from, DateOnly? to)
    {
        From = from;
        To = to;
    }

    public DateOnly? From { get; }

    public DateOnly? To { get; }

    public bool IsRolling => From is null;

    /// <summary>One store-local day (<see cref="Day"/>, or <see cref="Days"/> from a day to the same day).</summary>
    public bool IsOneDay => From is not null && From == To;

    public static MetricWindow Rolling30Days { get; } = new(null, null);

    public static MetricWindow Days(DateOnly from, DateOnly to) =>
        to < from ? throw new ArgumentOutOfRangeException(nameof(to), "The last day comes before the first.") : new(from, to);

    public static MetricWindow Day(DateOnly day) => new(day, day);

    /// <summary>
    /// The SQL condition selecting the window, given the fact's local-day and time columns. The rolling window starts at
    /// the parameter <c>@windowStart</c> (<see cref="StartOfRolling"/>), computed once by the caller: <c>@now − interval</c>
    /// is not a constant to PostgreSQL, so a sequential scan's filter would compute it again for every row.
    /// </summary>
    internal string Where(string dayColumn, string timeColumn) => IsRolling
        ? $"{timeColumn} > @windowStart AND {timeColumn} <= @now"
        : $"{dayColumn} BETWEEN @fromDay AND @toDay AND {timeColumn} <= @now";

    /// <summary>
    /// The SQL condition selecting the pre-aggregated hour buckets (<c>local_day</c>, <c>hour</c>) that lie wholly inside
    /// the window and wholly at or before "now": for the rolling window the hours starting after <c>now − 30 days</c> and
    /// ending by <c>now</c>; for days, the hours of those local days ending by <c>now</c>.
    /// </summary>
    internal string WhereBuckets(string dayColumn = "local_day", string hourColumn = "hour") => IsRolling
        ? $"{hourColumn} > @windowStart AND {hourColumn} <= @now - interval '1 hour'"
        : $"{dayColumn} BETWEEN @fromDay AND @toDay AND {hourColumn} <= @now - interval '1 hour'";

    /// <summary>
    /// The facts of the window that are not in a bucket of <see cref="WhereBuckets"/>, to be counted live: those in the
    /// hour of "now" and, for the rolling window, those in the partial hour at its start. Together the two conditions
    /// select exactly the facts of <see cref="Where"/>, each once. Uses the parameters <c>@nowHour</c> (the UTC hour of
    /// "now") and <c>@firstWholeHour</c> (the first hour starting after <c>now − 30 days</c>).
    /// <para>The rolling window's two edges are written as two ranges, each an index range of its own (also in a generic
    /// plan), rather than the window's range filtered by "before the first whole hour or in the last".</para>
    /// </summary>
    internal string WhereOutsideBuckets(string dayColumn, string timeColumn) => IsRolling
        ? $"(({timeColumn} > @windowStart AND {timeColumn} < @firstWholeHour) OR ({timeColumn} >= @nowHour AND {timeColumn} <= @now))"
        : $"{Where(dayColumn, timeColumn)} AND {timeColumn} >= @nowHour";

    /// <summary>
    /// The buckets of <see cref="WhereBuckets"/> and, if "now" lies in the window, the bucket of its hour: a count that
    /// covers the hour of "now" whole, so that the facts of that hour after "now" (<see cref="WhereAfterNowInBuckets"/>,
    /// normally none) are taken off it instead of those before it being counted live. At a peak the hour of "now" holds
    /// the most facts of all; the facts after "now" are those of a "now" in the past, or dated ahead of the clock.
    /// </summary>
    internal string WhereBucketsThroughNow(string dayColumn = "local_day", string hourColumn = "hour") => IsRolling
        ? $"{hourColumn} > @windowStart AND {hourColumn} <= @now"
        : $"{dayColumn} BETWEEN @fromDay AND @toDay AND {hourColumn} <= @now";

    /// <summary>
    /// The facts counted in the bucket of the hour of "now" that happened after "now": not in the window, so subtracted
    /// from <see cref="WhereBucketsThroughNow"/>'s sum. With the rolling window's partial first hour added
    /// (<see cref="LiveEdges"/>), the result is exactly the facts of <see cref="Where"/>, each once. Uses
    /// <c>@nextHour</c>, the end of the hour of "now".
    /// </summary>
    internal string WhereAfterNowInBuckets(string dayColumn, string timeColumn) => IsRolling
        ? $"{timeColumn} > @now AND {timeColumn} < @nextHour"
        : $"{dayColumn} BETWEEN @fromDay AND @toDay AND {timeColumn} > @now AND {timeColumn} < @nextHour";

    /// <summary>
    /// What a count from <see cref="WhereBucketsThroughNow"/>'s buckets needs from the fact rows <paramref name="where"/>
    /// selects in <paramref name="from"/>: the rows after "now" in its hour with <c>select(-1)</c> (e.g.
    /// <c>sign => $"'placed', {sign} * count(*)"</c>) and, for the rolling window, the rows of its partial first hour (in
    /// no bucket) with <c>select(1)</c>, as one <c>UNION ALL</c>. A day has no partial hour: a bucket is a local day's part
    /// of an hour, so a day whose midnight falls inside a UTC hour still has buckets of its own.
    /// </summary>
    internal string LiveEdges(string from, string where, string dayColumn, string timeColumn, Func<int, string> select)
    {
        var afterNow = $"SELECT {select(-1)} FROM {from} WHERE {where} AND {WhereAfterNowInBuckets(dayColumn, timeColumn)}";
        return IsRolling
            ? $"SELECT {select(1)} FROM {from} WHERE {where} AND {timeColumn} > @windowStart AND {timeColumn} < @firstWholeHour UNION ALL {afterNow}"
            : afterNow;
    }

    /// <summary>
    /// The SQL condition on a store-local day column that every fact of the window satisfies: for days, those days; for
    /// the rolling window, the UTC dates of its start and of "now" widened by a day each way (<c>@rollingFirstDay</c>,
    /// <c>@rollingLastDay</c>), as a local day is never more than a day from the UTC date. A range for an index on the
    /// local day, not the window itself.
    /// </summary>
    internal string WhereLocalDays(string dayColumn) => IsRolling
        ? $"{dayColumn} BETWEEN @rollingFirstDay AND @rollingLastDay"
        : $"{dayColumn} BETWEEN @fromDay AND @toDay";

    /// <summary>The first and last local day <see cref="WhereLocalDays"/> admits for the rolling window at <paramref name="now"/>.</summary>
    internal static (DateOnly First, DateOnly Last) LocalDaysOfRolling(DateTimeOffset now) =>
        (DateOnly.FromDateTime(StartOfRolling(now).UtcDateTime).AddDays(-1), DateOnly.FromDateTime(now.UtcDateTime).AddDays(1));

    /// <summary>Where the rolling window starts (exclusive): 30 × 24 hours before <paramref name="now"/>.</summary>
    public static DateTimeOffset StartOfRolling(DateTimeOffset now) => now.AddDays(-RollingDays);

    public override string ToString() => IsRolling
        ? "rolling 30 days"
        : From == To ? From!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
        : $"{From!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}..{To!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";
}
