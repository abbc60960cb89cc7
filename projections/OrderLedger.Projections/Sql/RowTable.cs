using System.Diagnostics.CodeAnalysis;
using Npgsql;
using NpgsqlTypes;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Projections.Sql;

// Why this lives here: every projection library folds rows in memory and writes them back set-based. The read models
// and the metrics each grew a private copy of this helper; one shared, typed implementation keeps the batch-write
// mechanism (and its batch-boundary guarantees) in a single place.

/// <summary>One column of a <see cref="RowTable{TRow}"/>: its name and how a batch of rows becomes one array parameter for <c>unnest</c>.</summary>
public interface IColumn<in TRow>
{
    string Name { get; }

    NpgsqlParameter ArrayOf(IReadOnlyList<TRow> rows);
}

/// <summary>A column whose values are <typeparamref name="TValue"/>, sent as a typed PostgreSQL array of <c>elementType</c>.</summary>
public sealed class Column<TRow, TValue>(string name, NpgsqlDbType elementType, Func<TRow, TValue> value) : IColumn<TRow>
{
    public string Name { get; } = name;

    public NpgsqlParameter ArrayOf(IReadOnlyList<TRow> rows)
    {
        var values = new TValue[rows.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = value(rows[i]);
        }

        return new NpgsqlParameter<TValue[]> { NpgsqlDbType = NpgsqlDbType.Array | elementType, TypedValue = values };
    }
}

/// <summary>Column factories; timestamps are written in UTC (timestamptz), lists as JSON.</summary>
[SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Short names after the SQL types (Int, Long) keep row mappings readable.")]
public static class Col
{
    /// <summary>Text as PostgreSQL can store it (no NUL: see <see cref="StorableText"/>), whatever the event held.</summary>
    public static IColumn<TRow> Text<TRow>(string name, Func<TRow, string?> value) =>
        new Column<TRow, string?>(name, NpgsqlDbType.Text, row => StorableText.CleanOrNull(value(row)));

    public static IColumn<TRow> Int<TRow>(string name, Func<TRow, int> value) => new Column<TRow, int>(name, NpgsqlDbType.Integer, value);

    public static IColumn<TRow> IntN<TRow>(string name, Func<TRow, int?> value) => new Column<TRow, int?>(name, NpgsqlDbType.Integer, value);

    public static IColumn<TRow> Long<TRow>(string name, Func<TRow, long> value) => new Column<TRow, long>(name, NpgsqlDbType.Bigint, value);

    public static IColumn<TRow> Money<TRow>(string name, Func<TRow, decimal> value) => new Column<TRow, decimal>(name, NpgsqlDbType.Numeric, value);

    public static IColumn<TRow> MoneyN<TRow>(string name, Func<TRow, decimal?> value) => new Column<TRow, decimal?>(name, NpgsqlDbType.Numeric, value);

    public static IColumn<TRow> Bool<TRow>(string name, Func<TRow, bool> value) => new Column<TRow, bool>(name, NpgsqlDbType.Boolean, value);

    public static IColumn<TRow> BoolN<TRow>(string name, Func<TRow, bool?> value) => new Column<TRow, bool?>(name, NpgsqlDbType.Boolean, value);

    public static IColumn<TRow> Time<TRow>(string name, Func<TRow, DateTimeOffset?> value) =>
        new Column<TRow, DateTime?>(name, NpgsqlDbType.TimestampTz, row => value(row)?.UtcDateTime);

    public static IColumn<TRow> Duration<TRow>(string name, Func<TRow, TimeSpan?> value) => new Column<TRow, TimeSpan?>(name, NpgsqlDbType.Interval, value);

    /// <summary>A calendar day (<c>date</c>).</summary>
    public static IColumn<TRow> Day<TRow>(string name, Func<TRow, DateOnly?> value) => new Column<TRow, DateOnly?>(name, NpgsqlDbType.Date, value);

    /// <summary>A wall-clock time of day (<c>time</c>), or null.</summary>
    public static IColumn<TRow> ClockN<TRow>(string name, Func<TRow, TimeOnly?> value) => new Column<TRow, TimeOnly?>(name, NpgsqlDbType.Time, value);

    public static IColumn<TRow> Texts<TRow>(string name, Func<TRow, IReadOnlyList<string>> value) =>
        new Column<TRow, string>(name, NpgsqlDbType.Jsonb, row => System.Text.Json.JsonSerializer.Serialize(value(row).Select(StorableText.Clean)));

    /// <summary>A value as JSON (<c>jsonb</c>), camel-cased as the API writes it, every string storable; read back with <see cref="ReaderExtensions.Json{T}"/>.</summary>
    public static IColumn<TRow> Json<TRow, TValue>(string name, Func<TRow, TValue> value) =>
        new Column<TRow, string>(name, NpgsqlDbType.Jsonb, row =>
            System.Text.Encoding.UTF8.GetString(StorableText.CleanJson(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(value(row), JsonColumn.Options)).Span));
}

/// <summary>How <see cref="Col.Json{TRow, TValue}"/> columns are written and read.</summary>
internal static class JsonColumn
{
    public static readonly System.Text.Json.JsonSerializerOptions Options = new(System.Text.Json.JsonSerializerDefaults.Web);
}

/// <summary>
/// A table whose rows are folded in memory: load the rows a batch touches (one query), apply the events in order, write
/// every changed row back with one multi-row upsert over <c>unnest</c>. Whatever the batch boundaries, the result equals
/// applying the events one by one.
/// </summary>
/// <param name="keyCount">The first <paramref name="keyCount"/> columns form the primary key.</param>
/// <param name="read">Reads a row from a reader positioned on a row selected with <see cref="SelectList"/>, in column order.</param>
public sealed class RowTable<TRow>(string name, int keyCount, Func<NpgsqlDataReader, TRow> read, params IColumn<TRow>[] columns)
    where TRow : class
{
    public string Name { get; } = name;

    public string SelectList { get; } = string.Join(", ", columns.Select(c => c.Name));

    public TRow Read(NpgsqlDataReader reader) => read(reader);

    /// <summary>
    /// The rows whose key is among <paramref name="keys"/> (each key given as its text parts, in key-column order; the key
    /// columns must be text).
    /// </summary>
    public async Task<List<TRow>> LoadAsync(ProjectionContext context, IReadOnlyCollection<string[]> keys, CancellationToken cancellationToken)
    {
        var rows = new List<TRow>(keys.Count);
        if (keys.Count == 0)
        {
            return rows;
        }

        var probe = KeyProbe.From($"{context.Schema}.{Name}", [.. columns.Take(keyCount).Select((c, i) => (c.Name, $"k{i}"))], SelectList, "t");
        var sql = $"SELECT {string.Join(", ", columns.Select(c => "t." + c.Name))} FROM {probe}";
        await using var command = new NpgsqlCommand(sql, context.Connection, context.Transaction);
        for (var i = 0; i < keyCount; i++)
        {
            var part = i;
            command.Parameters.Add(new NpgsqlParameter<string[]>($"k{i}", NpgsqlDbType.Array | NpgsqlDbType.Text)
            {
                TypedValue = keys.Select(k => StorableText.Clean(k[part])).ToArray(),
            });
        }

        return await ReadAllAsync(command, rows, cancellationToken);
    }

    /// <summary>The rows of a one-column key, by their ids: <see cref="LoadAsync(ProjectionContext, IReadOnlyCollection{string[]}, CancellationToken)"/>.</summary>
    public Task<List<TRow>> LoadByIdsAsync(ProjectionContext context, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        keyCount == 1
            ? LoadAsync(context, ids.Select(id => new[] { id }).ToList(), cancellationToken)
            : throw new InvalidOperationException($"{Name} has a key of {keyCount} columns.");

    /// <summary>Rows matching <paramref name="where"/> (a condition on the table, parameters named in it).</summary>
    public async Task<List<TRow>> LoadAsync(
        ProjectionContext context, string where, IReadOnlyDictionary<string, object> parameters, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {SelectList} FROM {context.Schema}.{Name} WHERE {where}", context.Connection, context.Transaction);
        foreach (var (key, value) in parameters)
        {
            command.Parameters.AddWithValue(key, value);
        }

        return await ReadAllAsync(command, [], cancellationToken);
    }

    /// <summary>Inserts or replaces <paramref name="rows"/> (at most one per key) in one statement.</summary>
    public async Task UpsertAsync(ProjectionContext context, IReadOnlyCollection<TRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var list = rows as IReadOnlyList<TRow> ?? [.. rows];
        var names = columns.Select(c => c.Name).ToArray();
        var updates = string.Join(", ", names.Skip(keyCount).Select(n => $"{n} = EXCLUDED.{n}"));
        var sql = $"INSERT INTO {context.Schema}.{Name} ({string.Join(", ", names)}) " +
                  $"SELECT * FROM unnest({string.Join(", ", names.Select((_, i) => $"@p{i}"))}) " +
                  $"ON CONFLICT ({string.Join(", ", names.Take(keyCount))}) DO {(updates.Length == 0 ? "NOTHING" : "UPDATE SET " + updates)}";
        await using var command = new NpgsqlCommand(sql, context.Connection, context.Transaction);
        for (var i = 0; i < columns.Length; i++)
        {
            var parameter = columns[i].ArrayOf(list);
            parameter.ParameterName = $"p{i}";
            command.Parameters.Add(parameter);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The whole load → fold → write cycle for a batch. <paramref name="keyOf"/> names the row an event changes (null: the
    /// event changes no row of this table); <paramref name="evolve"/> returns the row after the event (null: no row yet and
    /// this event does not create one).
    /// </summary>
    public async Task FoldAsync<TKey>(
        ProjectionContext context,
        IReadOnlyList<DecodedEvent> batch,
        Func<DecodedEvent, TKey?> keyOf,
        Func<TKey, string[]> keyParts,
        Func<TRow, TKey> keyOfRow,
        Func<TRow?, DecodedEvent, TRow?> evolve,
        CancellationToken cancellationToken)
        where TKey : class
    {
        var touched = new List<(TKey Key, DecodedEvent Event)>(batch.Count);
        var keys = new HashSet<TKey>();
        foreach (var e in batch)
        {
            if (keyOf(e) is { } key)
            {
                touched.Add((key, e));
                keys.Add(key);
            }
        }

        var loaded = await LoadAsync(context, keys.Select(keyParts).ToList(), cancellationToken);
        var state = loaded.ToDictionary(keyOfRow);
        var changed = new HashSet<TKey>();
        foreach (var (key, e) in touched)
        {
            var before = state.GetValueOrDefault(key);
            if (evolve(before, e) is { } after && !ReferenceEquals(before, after))
            {
                state[key] = after;
                changed.Add(key);
            }
        }

        await UpsertAsync(context, changed.Select(k => state[k]).ToList(), cancellationToken);
    }

    private async Task<List<TRow>> ReadAllAsync(NpgsqlCommand command, List<TRow> rows, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
