using System.Text.Json;
using Npgsql;

namespace OrderLedger.ReadModels.Infrastructure;

/// <summary>Typed reads by ordinal, so a row maps without reflection.</summary>
internal static class ReaderExtensions
{
    public static string Text(this NpgsqlDataReader reader, int ordinal) => reader.GetString(ordinal);

    public static string? TextN(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static int Int(this NpgsqlDataReader reader, int ordinal) => reader.GetInt32(ordinal);

    public static int? IntN(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    public static long Long(this NpgsqlDataReader reader, int ordinal) => reader.GetInt64(ordinal);

    public static decimal Money(this NpgsqlDataReader reader, int ordinal) => reader.GetDecimal(ordinal);

    public static bool Bool(this NpgsqlDataReader reader, int ordinal) => reader.GetBoolean(ordinal);

    public static bool? BoolN(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetBoolean(ordinal);

    public static DateTimeOffset Time(this NpgsqlDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public static DateTimeOffset? TimeN(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);

    public static TimeSpan? DurationN(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<TimeSpan>(ordinal);

    public static IReadOnlyList<string> Texts(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? [] : JsonSerializer.Deserialize<string[]>(reader.GetString(ordinal)) ?? [];
}
