namespace OrderLedger.Projections.Sql;

/// <summary>
/// The <c>FROM</c> clause that finds a batch's keys in a table with one index probe per key:
/// <c>unnest(@a, @b) AS k(a, b) CROSS JOIN LATERAL (SELECT … FROM table r WHERE r.a = k.a AND r.b = k.b LIMIT 1) alias</c>.
/// Written as a join of the keys with the table, a build's lookups were planned from statistics taken when its table was
/// a fraction of its size, as a hash join over a scan of the whole table: each batch read every row the build had written
/// so far (docs/projections.md, "lookups"). <c>LIMIT 1</c> keeps the lateral subquery from being flattened back into that
/// join, so the key columns must be a unique key of the table.
/// </summary>
public static class KeyProbe
{
    /// <param name="table">The table, schema-qualified.</param>
    /// <param name="keys">Each key column with the array parameter holding its values, in the order of a unique key.</param>
    /// <param name="select">What the probe returns of each row found (its columns, <c>*</c>, <c>ctid</c>).</param>
    /// <param name="alias">The name the rows found go by in the rest of the statement.</param>
    public static string From(string table, IReadOnlyList<(string Column, string Parameter)> keys, string select, string alias) =>
        $"unnest({string.Join(", ", keys.Select(k => "@" + k.Parameter))}) AS k({string.Join(", ", keys.Select(k => k.Column))}) " +
        $"CROSS JOIN LATERAL (SELECT {select} FROM {table} r WHERE {string.Join(" AND ", keys.Select(k => $"r.{k.Column} = k.{k.Column}"))} LIMIT 1) {alias}";
}
