using OrderLedger.Domain.Stores;
using OrderLedger.Projections;
using OrderLedger.Projections.Sql;

namespace OrderLedger.Metrics.Infrastructure;

/// <summary>
/// The store calendars a metric projection keeps for itself (each projection has its own copy, so its local days never
/// depend on another projection's progress). A batch loads the calendars it needs once, then folds store events in order.
/// </summary>
internal sealed class StoreCalendars(string table)
{
    /// <summary>The store events a calendar follows; a projection that keeps calendars takes them.</summary>
    public static readonly Type[] Events = [typeof(StoreRegistered), typeof(StoreServiceHoursSet)];

    private readonly RowTable<StoreCalendar> rows = new(
        table,
        keyCount: 1,
        r => new StoreCalendar(r.Text(0), r.Text(1), r.Clock(2), r.Clock(3)),
        Col.Text<StoreCalendar>("store_id", s => s.StoreId),
        Col.Text<StoreCalendar>("time_zone", s => s.TimeZone),
        Col.Clock<StoreCalendar>("opens", s => s.Opens),
        Col.Clock<StoreCalendar>("closes", s => s.Closes));

    public string Table => table;

    public string CreateTableSql(string schema) => $"""
        CREATE TABLE {schema}.{table} (
            store_id   text PRIMARY KEY,
            time_zone  text NOT NULL,
            opens      time NOT NULL,
            closes     time NOT NULL
        );
        """;

    /// <summary>The store of a calendar event; null for every other event.</summary>
    public static string? StoreIdOf(object e) => e is StoreEvent store && Events.Contains(e.GetType()) ? store.StoreId : null;

    /// <summary>The calendars of <paramref name="storeIds"/> as stored (stores never seen get the default when first asked for).</summary>
    public async Task<Batch> LoadAsync(ProjectionContext context, IEnumerable<string> storeIds, CancellationToken cancellationToken)
    {
        var ids = storeIds.Distinct(StringComparer.Ordinal).ToArray();
        var loaded = ids.Length == 0
            ? []
            : await rows.LoadAsync(context, "store_id = ANY(@ids)", new Dictionary<string, object> { ["ids"] = ids }, cancellationToken);
        return new Batch(this, loaded.ToDictionary(c => c.StoreId, StringComparer.Ordinal));
    }

    internal sealed class Batch(StoreCalendars owner, Dictionary<string, StoreCalendar> calendars)
    {
        private readonly HashSet<string> changed = new(StringComparer.Ordinal);

        public StoreCalendar this[string storeId] => calendars.TryGetValue(storeId, out var c) ? c : StoreCalendar.Default(storeId);

        public void Apply(string storeId, object storeEvent)
        {
            calendars[storeId] = this[storeId].Apply(storeEvent);
            changed.Add(storeId);
        }

        public Task SaveAsync(ProjectionContext context, CancellationToken cancellationToken) =>
            owner.rows.UpsertAsync(context, [.. changed.Select(id => calendars[id])], cancellationToken);
    }
}
