using OrderLedger.Domain.Stores;
using OrderLedger.Projections;
using OrderLedger.Projections.Sql;

namespace OrderLedger.Metrics.Infrastructure;

/// <summary>
/// The store calendars a metric projection keeps for itself (each projection has its own copy, so its local days never
/// depend on another projection's progress). Each store's policy events are kept as a history, one row each; a fact is
/// placed under the policy in force at its business time (docs/metrics.md), whatever order the log brought the policy
/// changes in. A batch loads the histories it needs once, then folds store events in.
/// </summary>
internal sealed class StoreCalendars(string table)
{
    /// <summary>The store events a calendar follows; a projection that keeps calendars takes them.</summary>
    public static readonly Type[] Events = [typeof(StoreRegistered), typeof(StoreServiceHoursSet)];

    private readonly RowTable<PolicyChange> rows = new(
        table,
        keyCount: 2,
        r => new PolicyChange(r.Text(0), r.Int(1), r.Time(2), r.Text(3), r.ClockN(4), r.ClockN(5)),
        Col.Text<PolicyChange>("store_id", p => p.StoreId),
        Col.Int<PolicyChange>("seq", p => p.Seq),
        Col.Time<PolicyChange>("effective_at", p => p.EffectiveAt),
        Col.Text<PolicyChange>("time_zone", p => p.TimeZone),
        Col.ClockN<PolicyChange>("opens", p => p.Opens),
        Col.ClockN<PolicyChange>("closes", p => p.Closes));

    public string Table => table;

    /// <summary>One row per policy event of a store: <c>seq</c> is its place in the log, <c>effective_at</c> its business time.</summary>
    public string CreateTableSql(string schema) => $"""
        CREATE TABLE {schema}.{table} (
            store_id      text NOT NULL,
            seq           integer NOT NULL,
            effective_at  timestamptz NOT NULL,
            time_zone     text NOT NULL,
            opens         time,
            closes        time,
            PRIMARY KEY (store_id, seq)
        );
        """;

    /// <summary>The store of a calendar event; null for every other event.</summary>
    public static string? StoreIdOf(object e) => e is StoreEvent store && Events.Contains(e.GetType()) ? store.StoreId : null;

    /// <summary>The policy histories of <paramref name="storeIds"/> as stored (stores never seen are on the default calendar).</summary>
    public async Task<Batch> LoadAsync(ProjectionContext context, IEnumerable<string> storeIds, CancellationToken cancellationToken)
    {
        var ids = storeIds.Distinct(StringComparer.Ordinal).ToArray();
        var loaded = ids.Length == 0
            ? []
            : await rows.LoadAsync(context, "store_id = ANY(@ids)", new Dictionary<string, object> { ["ids"] = ids }, cancellationToken);
        return new Batch(this, loaded.GroupBy(p => p.StoreId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal));
    }

    /// <summary>
    /// A policy event: a registration names the time zone (no hours), a service-hours change the hours and the zone.
    /// </summary>
    internal sealed record PolicyChange(string StoreId, int Seq, DateTimeOffset EffectiveAt, string TimeZone, TimeOnly? Opens, TimeOnly? Closes)
    {
        public bool IsRegistration => Opens is null;

        public StoreCalendar ApplyTo(StoreCalendar calendar) => Opens is { } opens && Closes is { } closes
            ? calendar with { TimeZone = TimeZone, Opens = opens, Closes = closes }
            : calendar with { TimeZone = TimeZone };

        public static PolicyChange? Of(object storeEvent, int seq, DateTimeOffset at) => storeEvent switch
        {
            StoreRegistered r => new PolicyChange(r.StoreId, seq, at, r.TimeZone, null, null),
            StoreServiceHoursSet h => new PolicyChange(h.StoreId, seq, at, h.TimeZone, h.Opens, h.Closes),
            _ => null,
        };
    }

    internal sealed class Batch(StoreCalendars owner, Dictionary<string, List<PolicyChange>> histories)
    {
        private readonly List<PolicyChange> added = [];

        /// <summary>
        /// The store's calendar at business time <paramref name="at"/>: the default, then the registration's time zone
        /// (the store's zone from its beginning: there is no policy before it), then every service-hours change dated at
        /// or before <paramref name="at"/>, in business-time order (log order among equal times).
        /// </summary>
        public StoreCalendar At(string storeId, DateTimeOffset at)
        {
            var calendar = StoreCalendar.Default(storeId);
            if (!histories.TryGetValue(storeId, out var history))
            {
                return calendar;
            }

            return history
                .Where(p => p.IsRegistration || p.EffectiveAt <= at)
                .OrderBy(p => !p.IsRegistration)
                .ThenBy(p => p.IsRegistration ? DateTimeOffset.MinValue : p.EffectiveAt)
                .ThenBy(p => p.Seq)
                .Aggregate(calendar, (current, p) => p.ApplyTo(current));
        }

        public void Apply(string storeId, object storeEvent, DateTimeOffset at)
        {
            if (!histories.TryGetValue(storeId, out var history))
            {
                histories[storeId] = history = [];
            }

            if (PolicyChange.Of(storeEvent, history.Count == 0 ? 1 : history.Max(p => p.Seq) + 1, at) is { } change)
            {
                history.Add(change);
                added.Add(change);
            }
        }

        public Task SaveAsync(ProjectionContext context, CancellationToken cancellationToken) =>
            owner.rows.UpsertAsync(context, added, cancellationToken);
    }
}
