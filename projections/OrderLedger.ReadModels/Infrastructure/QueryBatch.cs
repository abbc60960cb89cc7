using Npgsql;

namespace OrderLedger.ReadModels.Infrastructure;

/// <summary>
/// Statements of several queries sent to PostgreSQL in one round trip (an <see cref="NpgsqlBatch"/>): each query adds its
/// statement and gets back a function that returns its rows once <see cref="ExecuteAsync"/> has run. For a page such as
/// the dashboard, which asks a dozen independent questions, the waits between statements (each a round trip, and on a
/// busy machine each a wait for a CPU) cost more than the statements themselves.
/// <para>One failing statement fails the whole batch, so a caller leaves out statements over views that may not exist.</para>
/// <para>A statement added with <see cref="Plan.Generic"/> is planned once per connection, for any parameters, where the
/// session would plan every execution (the metric pool: <c>plan_cache_mode = force_custom_plan</c>). The batch sends those
/// first, after <c>SET plan_cache_mode = force_generic_plan</c>, then <c>RESET plan_cache_mode</c> and the rest, so the
/// session's own mode holds again for the rest of the batch and after it; a failing batch rolls the <c>SET</c> back with
/// its implicit transaction.</para>
/// </summary>
public sealed class QueryBatch
{
    /// <summary>How a statement is planned once it is prepared.</summary>
    public enum Plan
    {
        /// <summary>As the session says (the pool's <c>plan_cache_mode</c>).</summary>
        Session,

        /// <summary>
        /// One generic plan per connection, whatever the parameters: for a statement whose best plan does not depend on them
        /// and whose planning costs more than its execution (a lookup, or counts over an index range).
        /// </summary>
        Generic,
    }

    private const string GenericPlans = "SET plan_cache_mode = force_generic_plan";
    private const string SessionPlans = "RESET plan_cache_mode";

    private readonly List<(NpgsqlBatchCommand Command, Action<NpgsqlDataReader> Read, Plan Plan)> parts = [];
    private bool executed;

    public int Count => parts.Count;

    /// <summary>Adds a statement; the returned function gives its rows after <see cref="ExecuteAsync"/> (and throws before).</summary>
    public Func<IReadOnlyList<T>> Add<T>(string sql, IEnumerable<NpgsqlParameter> parameters, Func<NpgsqlDataReader, T> map, Plan plan = Plan.Session)
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
        parts.Add((command, r => rows.Add(map(r)), plan));
        return () => executed ? rows : throw new InvalidOperationException("The batch has not run yet.");
    }

    /// <summary>Adds a statement whose parameters are the properties of <paramref name="parameters"/> (as the single queries take them).</summary>
    public Func<IReadOnlyList<T>> Add<T>(string sql, object? parameters, Func<NpgsqlDataReader, T> map, Plan plan = Plan.Session) =>
        Add(sql, ReadModelQuery.ParametersOf(parameters), map, plan);

    /// <summary>Which of <paramref name="relations"/> (schema-qualified views or tables) exist, once the batch has run.</summary>
    public Func<IReadOnlySet<string>> AddExisting(IReadOnlyCollection<string> relations)
    {
        var rows = Add(
            "SELECT name FROM unnest(@names::text[]) AS name WHERE to_regclass(name) IS NOT NULL",
            [new NpgsqlParameter<string[]>("names", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = [.. relations] }],
            r => r.GetString(0),
            Plan.Generic);
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
            var generic = parts.Where(p => p.Plan == Plan.Generic).ToList();
            var session = parts.Where(p => p.Plan == Plan.Session).ToList();
            if (generic.Count > 0)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(GenericPlans));
                generic.ForEach(p => batch.BatchCommands.Add(p.Command));
                batch.BatchCommands.Add(new NpgsqlBatchCommand(SessionPlans));
            }

            session.ForEach(p => batch.BatchCommands.Add(p.Command));
            var ordered = generic.Concat(session).ToList();

            // The SET and RESET return no result set, so the reader's result sets are those of the statements in order.
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            var i = 0;
            do
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    ordered[i].Read(reader);
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
