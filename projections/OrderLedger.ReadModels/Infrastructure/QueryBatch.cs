using Npgsql;

namespace OrderLedger.ReadModels.Infrastructure;

/// <summary>
/// Statements of several queries sent to PostgreSQL in one round trip (an <see cref="NpgsqlBatch"/>): each query adds its
/// statement and gets back a function that returns its rows once <see cref="ExecuteAsync"/> has run. For a page such as
/// the dashboard, which asks a dozen independent questions, the waits between statements (each a round trip, and on a
/// busy machine each a wait for a CPU) cost more than the statements themselves.
/// <para>One failing statement fails the whole batch, so a caller leaves out statements over views that may not exist.</para>
/// </summary>
public sealed class QueryBatch
{
    private readonly List<(NpgsqlBatchCommand Command, Action<NpgsqlDataReader> Read)> parts = [];
    private bool executed;

    public int Count => parts.Count;

    /// <summary>Adds a statement; the returned function gives its rows after <see cref="ExecuteAsync"/> (and throws before).</summary>
    public Func<IReadOnlyList<T>> Add<T>(string sql, IEnumerable<NpgsqlParameter> parameters, Func<NpgsqlDataReader, T> map)
    {
        if (executed)
        {
            throw new InvalidOperationException("The batch has already run.");
        }

        var command = new NpgsqlBatchCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter);
        }

        var rows = new List<T>();
        parts.Add((command, r => rows.Add(map(r))));
        return () => executed ? rows : throw new InvalidOperationException("The batch has not run yet.");
    }

    /// <summary>Adds a statement whose parameters are the properties of <paramref name="parameters"/> (as the single queries take them).</summary>
    public Func<IReadOnlyList<T>> Add<T>(string sql, object? parameters, Func<NpgsqlDataReader, T> map) =>
        Add(sql, ReadModelQuery.ParametersOf(parameters), map);

    /// <summary>Which of <paramref name="relations"/> (schema-qualified views or tables) exist, once the batch has run.</summary>
    public Func<IReadOnlySet<string>> AddExisting(IReadOnlyCollection<string> relations)
    {
        var rows = Add(
            "SELECT name FROM unnest(@names::text[]) AS name WHERE to_regclass(name) IS NOT NULL",
            [new NpgsqlParameter<string[]>("names", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = [.. relations] }],
            r => r.GetString(0));
        return () => rows().ToHashSet(StringComparer.Ordinal);
    }

    public async Task ExecuteAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        if (executed)
        {
            throw new InvalidOperationException("The batch has already run.");
        }

        if (parts.Count > 0)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var batch = new NpgsqlBatch(connection);
            foreach (var (command, _) in parts)
            {
                batch.BatchCommands.Add(command);
            }

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            var i = 0;
            do
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    parts[i].Read(reader);
                }

                i++;
            }
            while (await reader.NextResultAsync(cancellationToken));

            if (i != parts.Count)
            {
                throw new InvalidOperationException($"The batch returned {i} result sets for {parts.Count} statements.");
            }
        }

        executed = true;
    }
}
