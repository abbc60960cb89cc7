using System.Collections.Concurrent;

namespace OrderLedger.Metrics;

/// <summary>
/// A store's clock as the metrics see it (brief §5): its IANA time zone and service hours, from the store's policy events
/// (<c>store-registered</c>, <c>store-service-hours-set</c>) in force at a fact's business time (StoreCalendars). Until a
/// store says otherwise: UTC, 08:00–23:00.
/// Service hours are the half-open local interval [opens, closes); closes before opens wraps past midnight; opens = closes
/// means around the clock.
/// </summary>
public sealed record StoreCalendar(string StoreId, string TimeZone, TimeOnly Opens, TimeOnly Closes)
{
    public static readonly TimeOnly DefaultOpens = new(8, 0);
    public static readonly TimeOnly DefaultCloses = new(23, 0);
    public const string DefaultTimeZone = "UTC";

    private static readonly ConcurrentDictionary<string, TimeZoneInfo> Zones = new(StringComparer.Ordinal);

    public static StoreCalendar Default(string storeId) => new(storeId, DefaultTimeZone, DefaultOpens, DefaultCloses);

    public TimeZoneInfo Zone => Zones.GetOrAdd(TimeZone, Resolve);

    public DateTime LocalTime(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).DateTime;

    /// <summary>The store-local calendar day of an instant.</summary>
    public DateOnly LocalDay(DateTimeOffset at) => DateOnly.FromDateTime(LocalTime(at));

    public bool InServiceHours(DateTimeOffset at)
    {
        var t = TimeOnly.FromDateTime(LocalTime(at));
        return Opens == Closes
            || (Opens < Closes ? t >= Opens && t < Closes : t >= Opens || t < Closes);
    }

    /// <summary>The IANA zone, or UTC when the id is unknown on this machine (a bad policy must not stop the projection).</summary>
    public static TimeZoneInfo Resolve(string timeZone)
    {
        if (string.IsNullOrWhiteSpace(timeZone))
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.Utc;
        }
        catch (InvalidTimeZoneException)
        {
            return TimeZoneInfo.Utc;
        }
    }
}
