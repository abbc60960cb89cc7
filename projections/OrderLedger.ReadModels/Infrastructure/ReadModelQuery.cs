using Npgsql;

namespace OrderLedger.ReadModels.Infrastructure;

/// <summary>The most rows one query returns; the API refuses larger pages rather than cut them short.</summary>
public static class ReadModelPage
{
    public const int MaxSize = 500;
}

/// <summary>
/// Runs a query against the stable <c>rm.*</c> views: the properties of an anonymous object become the parameters, a row
/// reader maps by ordinal (no reflection per row).
/// </summary>
internal static class ReadModelQuery
{
    public static async Task<List<T>> ListAsync<T>(
        NpgsqlDataSource dataSource, string sql, object? parameters, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in ParametersOf(parameters))
        {
            command.Parameters.Add(parameter);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    /// <summary>The properties of an anonymous object as parameters of the same names (null as SQL NULL).</summary>
    public static IEnumerable<NpgsqlParameter> ParametersOf(object? parameters) =>
        (parameters?.GetType().GetProperties() ?? []).Select(p => new NpgsqlParameter(p.Name, p.GetValue(parameters) ?? DBNull.Value));

    public static async Task<T?> SingleOrDefaultAsync<T>(
        NpgsqlDataSource dataSource, string sql, object? parameters, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken)
        where T : class =>
        (await ListAsync(dataSource, sql, parameters, map, cancellationToken)).SingleOrDefault();

    /// <summary>The one value of a query over views that may not exist yet (a database without that read model built): null then.</summary>
    public static async Task<T?> ScalarIfBuiltAsync<T>(
        NpgsqlDataSource dataSource, string sql, object? parameters, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken)
        where T : struct
    {
        try
        {
            return (await ListAsync(dataSource, sql, parameters, map, cancellationToken)).Single();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return null;
        }
    }

    /// <summary>The condition for an optional store: none at all when it is null, so every plan can use the indexes.</summary>
    public static string StoreIs(string? storeId, string column = "store_id") => storeId is null ? "TRUE" : $"{column} = @store";

    /// <summary>timestamptz parameters must be UTC for Npgsql.</summary>
    public static DateTime Utc(DateTimeOffset time) => time.UtcDateTime;

    public static string[] Array(IEnumerable<string> values) => values as string[] ?? values.ToArray();

    public static int Clamp(int pageSize) => Math.Clamp(pageSize, 1, ReadModelPage.MaxSize);
}
