using System.Globalization;
using Npgsql;
using OrderLedger.Projections;

namespace OrderLedger.Metrics.Infrastructure;

/// <summary>One column of a <see cref="RowTable{T}"/>: its name, PostgreSQL type and how a batch of rows becomes one typed array.</summary>
internal sealed class Column<T>(string name, string pgType, Func<IReadOnlyList<T>, object> values)
{
    public string Name { get; } = name;

    public string PgType { get; } = pgType;

    public object Values(IReadOnlyList<T> rows) => values(rows);
}

internal static class Col
{
    public static Column<T> Text<T>(string name, Func<T, string?> get) => new(name, "text", rows => rows.Select(get).ToArray());

    public static Column<T> Int<T>(string name, Func<T, int> get) => new(name, "integer", rows => rows.Select(get).ToArray());

    public static Column<T> IntN<T>(string name, Func<T, int?> get) => new(name, "integer", rows => rows.Select(get).ToArray());

    public static Column<T> Bool<T>(string name, Func<T, bool> get) => new(name, "boolean", rows => rows.Select(get).ToArray());

    public static Column<T> Time<T>(string name, Func<T, DateTimeOffset?> get) =>
        new(name, "timestamptz", rows => rows.Select(r => get(r)?.UtcDateTime).ToArray());

    public static Column<T> Day<T>(string name, Func<T, DateOnly?> get) => new(name, "date", rows => rows.Select(get).ToArray());

    public static Column<T> Clock<T>(string name, Func<T, TimeOnly> get) => new(name, "time", rows => rows.Select(get).ToArray());
}

/// <summary>
/// A table a projection owns, described once: rows are loaded by key in one query and written back in one multi-row
/// upsert (<c>INSERT … SELECT FROM unnest(arrays) ON CONFLICT DO UPDATE</c>), whatever the batch size.
/// </summary>
internal sealed class RowTable<T>(string name, int keyCount, Func<NpgsqlDataReader, T> read, params Column<T>[] columns)
{
    public string Name { get; } = name;

    public string SelectList { get; } = string.Join(", ", columns.Select(c => c.Name));

    public T Read(NpgsqlDataReader reader) => read(reader);

    /// <summary>Rows matching <paramref name="where"/> (a condition on the table, parameters named in it).</summary>
    public async Task<List<T>> LoadAsync(ProjectionContext context, string where, IReadOnlyDictionary<string, object> parameters, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {SelectList} FROM {context.Schema}.{Name} WHERE {where}", context.Connection, context.Transaction);
        foreach (var (key, value) in parameters)
        {
            command.Parameters.AddWithValue(key, value);
        }

        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>Inserts or replaces <paramref name="rows"/> (at most one per key) in one statement.</summary>
    public async Task UpsertAsync(ProjectionContext context, IReadOnlyCollection<T> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var list = rows as IReadOnlyList<T> ?? [.. rows];
        var keys = string.Join(", ", columns.Take(keyCount).Select(c => c.Name));
        var arrays = string.Join(", ", columns.Select((c, i) => string.Create(CultureInfo.InvariantCulture, $"@p{i}::{c.PgType}[]")));
        var updates = string.Join(", ", columns.Skip(keyCount).Select(c => $"{c.Name} = EXCLUDED.{c.Name}"));
        var sql = $"""
            INSERT INTO {context.Schema}.{Name} ({SelectList})
            SELECT * FROM unnest({arrays})
            ON CONFLICT ({keys}) DO {(updates.Length == 0 ? "NOTHING" : "UPDATE SET " + updates)}
            """;
        await using var command = new NpgsqlCommand(sql, context.Connection, context.Transaction);
        for (var i = 0; i < columns.Length; i++)
        {
            command.Parameters.AddWithValue(string.Create(CultureInfo.InvariantCulture, $"p{i}"), columns[i].Values(list));
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

internal static class ReaderExtensions
{
    public static string Text(this NpgsqlDataReader r, int i) => r.GetString(i);

    public static string? TextN(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static int Int(this NpgsqlDataReader r, int i) => r.GetInt32(i);

    public static int? IntN(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);

    public static bool Bool(this NpgsqlDataReader r, int i) => r.GetBoolean(i);

    public static DateTimeOffset Time(this NpgsqlDataReader r, int i) => r.GetFieldValue<DateTimeOffset>(i);

    public static DateTimeOffset? TimeN(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);

    public static DateOnly? DayN(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateOnly>(i);

    public static TimeOnly Clock(this NpgsqlDataReader r, int i) => r.GetFieldValue<TimeOnly>(i);

    public static long Long(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? 0 : r.GetInt64(i);

    public static double? DoubleN(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);
}
