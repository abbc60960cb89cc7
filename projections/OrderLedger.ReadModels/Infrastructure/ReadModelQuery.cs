using Npgsql;

namespace OrderLedger.ReadModels.Infrastructure;

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
        foreach (var property in parameters?.GetType().GetProperties() ?? [])
        {
            command.Parameters.Add(new NpgsqlParameter(property.Name, property.GetValue(parameters) ?? DBNull.Value));
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    public static async Task<T?> SingleOrDefaultAsync<T>(
        NpgsqlDataSource dataSource, string sql, object? parameters, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken)
        where T : class =>
        (await ListAsync(dataSource, sql, parameters, map, cancellationToken)).SingleOrDefault();

    /// <summary>timestamptz parameters must be UTC for Npgsql.</summary>
    public static DateTime Utc(DateTimeOffset time) => time.UtcDateTime;

    public static string[] Array(IEnumerable<string> values) => values as string[] ?? values.ToArray();

    public static int Clamp(int pageSize) => Math.Clamp(pageSize, 1, 500);
}
