using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Npgsql;

namespace OrderLedger.Projections.Sql;

/// <summary>
/// Typed reads by ordinal, so a row maps without reflection. Shared by every projection library (each used to keep its
/// own copy); the counterpart of the <see cref="Col"/> column factories.
/// </summary>
[SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Short names after the SQL types (Int, Long) keep row mappings readable.")]
public static class ReaderExtensions
{
    public static string Text(this NpgsqlDataReader reader, int ordinal) => reader.GetString(ordinal);

    public static string? TextN(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static int Int(this NpgsqlDataReader reader, int ordinal) => reader.GetInt32(ordinal);

    public static int? IntN(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    public static long Long(this NpgsqlDataReader reader, int ordinal) => reader.GetInt64(ordinal);

    /// <summary>A count or sum that SQL gives as NULL over no rows (e.g. <c>SUM</c>): NULL reads as 0.</summary>
    public static long LongOrZero(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? 0 : reader.GetInt64(ordinal);

    public static double? DoubleN(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);

    public static decimal Money(this NpgsqlDataReader reader, int ordinal) => reader.GetDecimal(ordinal);

    public static decimal? MoneyN(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDecimal(ordinal);

    public static bool Bool(this NpgsqlDataReader reader, int ordinal) => reader.GetBoolean(ordinal);

    public static bool? BoolN(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetBoolean(ordinal);

    public static DateTimeOffset Time(this NpgsqlDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public static DateTimeOffset? TimeN(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);

    public static DateOnly? DayN(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateOnly>(ordinal);

    public static TimeOnly? ClockN(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<TimeOnly>(ordinal);

    public static TimeSpan? DurationN(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<TimeSpan>(ordinal);

    public static IReadOnlyList<string> Texts(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? [] : JsonSerializer.Deserialize<string[]>(reader.GetString(ordinal)) ?? [];

    /// <summary>A <see cref="Col.Json{TRow, TValue}"/> column's value; <paramref name="empty"/> when it is null.</summary>
    public static T Json<T>(this NpgsqlDataReader reader, int ordinal, T empty) =>
        reader.IsDBNull(ordinal) ? empty : JsonSerializer.Deserialize<T>(reader.GetString(ordinal), JsonColumn.Options) ?? empty;
}
