using Npgsql;
using NpgsqlTypes;
using OrderLedger.EventStore;

namespace OrderLedger.Projections.Runtime;

/// <summary>
/// The runtime's own tables: <c>registry</c> (one row per projection: the live generation — the pointer readers
/// follow — and the active instance's heartbeat) and <c>generations</c> (one row per build: schema, role, checkpoint,
/// counters, last error) and <c>parked_events</c> (ProjectionCatalog.Parked.cs). All SQL about them lives here.
/// </summary>
internal sealed partial class ProjectionCatalog(NpgsqlDataSource dataSource, ProjectionOptions options)
{
    private const string GenerationColumns = """
        name, generation, version, schema_name, role, phase, tables_ready, checkpoint_commit, checkpoint_prepare, checkpoint_created,
        events_seen, events_handled, events_skipped, events_unknown, events_per_second, reason, created_at, caught_up_at, switched_at,
        updated_at, last_error, error_at, error_commit, error_prepare, error_stream, error_type, error_event_id, error_transient
        """;

    private readonly string _reg = options.RegistrySchema;
    private readonly string _rm = options.ViewSchema;

    public NpgsqlDataSource DataSource => dataSource;

    public string Registry => _reg;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock(hashtext('orderledger-projections-migrate-{_reg}'))", cancellationToken);
        await ExecuteAsync(connection, transaction, $"""
            CREATE SCHEMA IF NOT EXISTS {_reg};
            CREATE SCHEMA IF NOT EXISTS {_rm};
            CREATE TABLE IF NOT EXISTS {_reg}.registry (
                name            text PRIMARY KEY,
                live_generation int NOT NULL,
                owner           text,
                owner_since     timestamptz,
                heartbeat_at    timestamptz);
            CREATE TABLE IF NOT EXISTS {_reg}.generations (
                name               text NOT NULL,
                generation         int NOT NULL,
                version            int NOT NULL,
                schema_name        text NOT NULL UNIQUE,
                role               text NOT NULL,
                phase              text NOT NULL,
                tables_ready       boolean NOT NULL DEFAULT false,
                checkpoint_commit  bigint,
                checkpoint_prepare bigint,
                checkpoint_created timestamptz,
                events_seen        bigint NOT NULL DEFAULT 0,
                events_handled     bigint NOT NULL DEFAULT 0,
                events_skipped     bigint NOT NULL DEFAULT 0,
                events_unknown     bigint NOT NULL DEFAULT 0,
                events_per_second  double precision NOT NULL DEFAULT 0,
                reason             text,
                created_at         timestamptz NOT NULL DEFAULT now(),
                caught_up_at       timestamptz,
                switched_at        timestamptz,
                updated_at         timestamptz NOT NULL DEFAULT now(),
                last_error         text,
                error_at           timestamptz,
                error_commit       bigint,
                error_prepare      bigint,
                error_stream       text,
                error_type         text,
                error_event_id     uuid,
                error_transient    boolean NOT NULL DEFAULT false,
                PRIMARY KEY (name, generation));
            CREATE UNIQUE INDEX IF NOT EXISTS generations_one_building ON {_reg}.generations (name) WHERE role = 'building';
            CREATE UNIQUE INDEX IF NOT EXISTS generations_one_live ON {_reg}.generations (name) WHERE role = 'live';
            """, cancellationToken);
        await ExecuteAsync(connection, transaction, ParkedTableSql, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public static string SchemaFor(string name, int generation) => $"proj_{name}_g{generation}";

    /// <summary>First start of a projection: generation 1 becomes live at once (there is nothing to keep serving).</summary>
    public async Task EnsureInitialAsync(IProjection projection, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand($"INSERT INTO {_reg}.registry (name, live_generation) VALUES ($1, 1) ON CONFLICT (name) DO NOTHING", connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projection.Name });
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return;
            }
        }

        var schema = SchemaFor(projection.Name, 1);
        await InsertGenerationAsync(connection, transaction, projection, 1, Roles.Live, "initial", cancellationToken);
        await CreateTablesAsync(connection, transaction, projection, schema, cancellationToken);
        await PointViewsAsync(connection, transaction, projection, schema, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Starts a blue/green rebuild (idempotent: an existing one is returned). Null if the projection never started.</summary>
    public async Task<GenerationRecord?> RequestBuildAsync(IProjection projection, string reason, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockRow = new NpgsqlCommand($"SELECT 1 FROM {_reg}.registry WHERE name = $1 FOR UPDATE", connection, transaction))
        {
            lockRow.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projection.Name });
            if (await lockRow.ExecuteScalarAsync(cancellationToken) is null)
            {
                return null;
            }
        }

        var existing = (await LoadAsync(connection, transaction, projection.Name, [Roles.Building], cancellationToken)).SingleOrDefault();
        if (existing is not null)
        {
            await transaction.CommitAsync(cancellationToken);
            return existing;
        }

        int next;
        await using (var max = new NpgsqlCommand($"SELECT coalesce(max(generation), 0) + 1 FROM {_reg}.generations WHERE name = $1", connection, transaction))
        {
            max.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projection.Name });
            next = (int)(await max.ExecuteScalarAsync(cancellationToken))!;
        }

        await InsertGenerationAsync(connection, transaction, projection, next, Roles.Building, reason, cancellationToken);
        var created = (await LoadAsync(connection, transaction, projection.Name, [Roles.Building], cancellationToken)).Single();
        await transaction.CommitAsync(cancellationToken);
        return created;
    }

    private async Task InsertGenerationAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IProjection projection, int generation, string role, string reason, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"INSERT INTO {_reg}.generations (name, generation, version, schema_name, role, phase, tables_ready, reason) VALUES ($1, $2, $3, $4, $5, '{Phases.CatchingUp}', $6, $7)",
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projection.Name });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = generation });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = projection.Version });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = SchemaFor(projection.Name, generation) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = role });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = role == Roles.Live });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reason });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Creates a building generation's schema and tables, once (same transaction as the flag).</summary>
    public async Task PrepareTablesAsync(IProjection projection, GenerationRecord generation, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var flag = new NpgsqlCommand(
            $"UPDATE {_reg}.generations SET tables_ready = true, updated_at = now() WHERE name = $1 AND generation = $2 AND NOT tables_ready AND role = '{Roles.Building}'",
            connection,
            transaction))
        {
            flag.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projection.Name });
            flag.Parameters.Add(new NpgsqlParameter<int> { TypedValue = generation.Generation });
            if (await flag.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return;
            }
        }

        await ExecuteAsync(connection, transaction, $"DROP SCHEMA IF EXISTS {generation.Schema} CASCADE", cancellationToken);
        await CreateTablesAsync(connection, transaction, projection, generation.Schema, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task CreateTablesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IProjection projection, string schema, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, $"CREATE SCHEMA {schema}", cancellationToken);
        await ExecuteAsync(connection, transaction, projection.CreateTablesSql(schema), cancellationToken);
    }

    /// <summary>
    /// Points <c>rm.&lt;table&gt;</c> at <paramref name="schema"/>. Readers either see the old definition or the new
    /// one: the views are replaced inside the caller's transaction.
    /// </summary>
    private async Task PointViewsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IProjection projection, string schema, CancellationToken cancellationToken)
    {
        foreach (var table in projection.Tables)
        {
            await transaction.SaveAsync("view", cancellationToken);
            try
            {
                await ExecuteAsync(connection, transaction, $"CREATE OR REPLACE VIEW {_rm}.{table} AS SELECT * FROM {schema}.{table}", cancellationToken);
            }
            catch (PostgresException)
            {
                // The new version changed the columns: replace the view outright (still one transaction).
                await transaction.RollbackAsync("view", cancellationToken);
                await ExecuteAsync(connection, transaction, $"DROP VIEW IF EXISTS {_rm}.{table}; CREATE VIEW {_rm}.{table} AS SELECT * FROM {schema}.{table}", cancellationToken);
            }

            await transaction.ReleaseAsync("view", cancellationToken);
        }
    }

    /// <summary>
    /// The blue/green switch: in one transaction, the views move to the new build, the pointer row moves, the new build
    /// becomes live and the old one retired. False if the build is no longer the one being built at that checkpoint.
    /// </summary>
    public async Task<bool> SwitchAsync(IProjection projection, GenerationRecord building, Position? checkpoint, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await PrepareForReadersAsync(connection, projection, building.Schema, cancellationToken);

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Replacing a view waits for its running readers, and new readers queue behind it: give up quickly rather
        // than stall reads; the build retries the switch.
        await ExecuteAsync(connection, transaction, "SET LOCAL lock_timeout = '2s'", cancellationToken);
        await using (var lockRow = new NpgsqlCommand($"SELECT 1 FROM {_reg}.registry WHERE name = $1 FOR UPDATE", connection, transaction))
        {
            lockRow.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projection.Name });
            await lockRow.ExecuteScalarAsync(cancellationToken);
        }

        await using (var promote = new NpgsqlCommand(
            $"""
            UPDATE {_reg}.generations SET role = '{Roles.Live}', phase = '{Phases.Live}', switched_at = now(), updated_at = now()
            WHERE name = $1 AND generation = $2 AND role = '{Roles.Building}'
              AND checkpoint_commit IS NOT DISTINCT FROM $3 AND checkpoint_prepare IS NOT DISTINCT FROM $4
            """,
            connection,
            transaction))
        {
            promote.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projection.Name });
            promote.Parameters.Add(new NpgsqlParameter<int> { TypedValue = building.Generation });
            AddPosition(promote, checkpoint);
            await using var retire = new NpgsqlCommand(
                $"UPDATE {_reg}.generations SET role = '{Roles.Retired}', updated_at = now() WHERE name = $1 AND role = '{Roles.Live}'",
                connection,
                transaction);
            retire.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projection.Name });
            await retire.ExecuteNonQueryAsync(cancellationToken);
            if (await promote.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return false;
            }
        }

        await PointViewsAsync(connection, transaction, projection, building.Schema, cancellationToken);
        await using (var pointer = new NpgsqlCommand($"UPDATE {_reg}.registry SET live_generation = $2 WHERE name = $1", connection, transaction))
        {
            pointer.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projection.Name });
            pointer.Parameters.Add(new NpgsqlParameter<int> { TypedValue = building.Generation });
            await pointer.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Below this size (the table's own pages, 16 MB) a build's table is always vacuumed and analyzed before the switch.</summary>
    internal const long SmallTableBytes = 16L << 20;

    /// <summary>
    /// A build's tables were filled after they were created, and autovacuum gets to them in its own time (a minute or
    /// more): the planner may know little of their rows and few pages may be marked all-visible, so the first queries
    /// after the switch would be planned for the tables as they were early in the build and their index-only scans would
    /// visit the heap (the dashboard measured 6× slower after a rebuild of the metric projections). So before the switch,
    /// outside its transaction (VACUUM cannot run in one), while the old generation still serves and this build's worker
    /// waits: the projection's <see cref="IProjection.CompactedTables"/> are rewritten, the others vacuumed and analyzed.
    /// A big table (over <see cref="SmallTableBytes"/>) is not vacuumed again if less than a tenth of its rows were written
    /// since autovacuum last did it during the build, nor analyzed again if less than a tenth changed since its last
    /// analysis: analyzing the timeline alone takes about a second. Small tables are always done, as the statistics
    /// PostgreSQL keeps of their writes may lag by the last second's.
    /// </summary>
    private static async Task PrepareForReadersAsync(NpgsqlConnection connection, IProjection projection, string schema, CancellationToken cancellationToken)
    {
        var compacted = projection.Tables.Where(projection.CompactedTables.Contains).ToList();
        var (vacuumed, analyzed) = (new List<string>(), new List<string>());
        await using (var stale = new NpgsqlCommand(
            """
            SELECT relname,
                   pg_relation_size(relid) < $3 OR n_ins_since_vacuum + n_dead_tup > 0.1 * greatest(n_live_tup, 1),
                   n_mod_since_analyze > 0.1 * greatest(n_live_tup, 1)
            FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = ANY($2)
            """,
            connection))
        {
            stale.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schema });
            stale.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. projection.Tables.Except(compacted)] });
            stale.Parameters.Add(new NpgsqlParameter<long> { TypedValue = SmallTableBytes });
            await using var reader = await stale.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (reader.GetBoolean(1))
                {
                    vacuumed.Add(reader.GetString(0));
                }
                else if (reader.GetBoolean(2))
                {
                    analyzed.Add(reader.GetString(0));
                }
            }
        }

        foreach (var (command, tables) in new[] { ("VACUUM (FULL, ANALYZE)", compacted), ("VACUUM (ANALYZE)", vacuumed), ("ANALYZE", analyzed) })
        {
            if (tables.Count > 0)
            {
                await ExecuteAsync(connection, null, $"{command} {string.Join(", ", tables.Select(t => $"{schema}.{t}"))}", cancellationToken);
            }
        }
    }

    /// <summary>Drops a generation's schema (retired, or an abandoned build) and keeps its row as history.</summary>
    public async Task DropAsync(GenerationRecord generation, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Readers may still be finishing queries on the old tables; wait for them a little, then try again later.
        await ExecuteAsync(connection, transaction, "SET LOCAL lock_timeout = '5s'", cancellationToken);
        await ExecuteAsync(connection, transaction, $"DROP SCHEMA IF EXISTS {generation.Schema} CASCADE", cancellationToken);
        await using var update = new NpgsqlCommand(
            $"UPDATE {_reg}.generations SET role = '{Roles.Dropped}', updated_at = now() WHERE name = $1 AND generation = $2 AND role <> '{Roles.Live}'",
            connection,
            transaction);
        update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = generation.Name });
        update.Parameters.Add(new NpgsqlParameter<int> { TypedValue = generation.Generation });
        await update.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<GenerationRecord>> LoadAsync(string name, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await LoadAsync(connection, null, name, roles, cancellationToken);
    }

    /// <summary>The most recent rebuild of a projection (building, or the latest one that completed).</summary>
    public async Task<GenerationRecord?> LoadLatestRebuildAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT {GenerationColumns} FROM {_reg}.generations WHERE name = $1 AND reason <> 'initial' ORDER BY generation DESC LIMIT 1",
            connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return (await ReadGenerationsAsync(command, cancellationToken)).SingleOrDefault();
    }

    private async Task<IReadOnlyList<GenerationRecord>> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string name, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {GenerationColumns} FROM {_reg}.generations WHERE name = $1 AND role = ANY($2) ORDER BY generation",
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = roles.ToArray() });
        return await ReadGenerationsAsync(command, cancellationToken);
    }

    private static async Task<IReadOnlyList<GenerationRecord>> ReadGenerationsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<GenerationRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new GenerationRecord
            {
                Name = reader.GetString(0),
                Generation = reader.GetInt32(1),
                Version = reader.GetInt32(2),
                Schema = reader.GetString(3),
                Role = reader.GetString(4),
                Phase = reader.GetString(5),
                TablesReady = reader.GetBoolean(6),
                Checkpoint = PositionAt(reader, 7),
                CheckpointCreated = NullableAt<DateTimeOffset>(reader, 9),
                EventsSeen = reader.GetInt64(10),
                EventsHandled = reader.GetInt64(11),
                EventsSkipped = reader.GetInt64(12),
                EventsUnknown = reader.GetInt64(13),
                EventsPerSecond = reader.GetDouble(14),
                Reason = reader.IsDBNull(15) ? null : reader.GetString(15),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(16),
                CaughtUpAt = NullableAt<DateTimeOffset>(reader, 17),
                SwitchedAt = NullableAt<DateTimeOffset>(reader, 18),
                UpdatedAt = reader.GetFieldValue<DateTimeOffset>(19),
                LastError = reader.IsDBNull(20) ? null : reader.GetString(20),
                ErrorAt = NullableAt<DateTimeOffset>(reader, 21),
                ErrorPosition = PositionAt(reader, 22),
                ErrorStream = reader.IsDBNull(24) ? null : reader.GetString(24),
                ErrorType = reader.IsDBNull(25) ? null : reader.GetString(25),
                ErrorEventId = NullableAt<Guid>(reader, 26),
                ErrorTransient = reader.GetBoolean(27),
            });
        }

        return rows;
    }

    private static Position? PositionAt(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : new Position((ulong)reader.GetInt64(ordinal), (ulong)reader.GetInt64(ordinal + 1));

    private static T? NullableAt<T>(NpgsqlDataReader reader, int ordinal)
        where T : struct =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<T>(ordinal);

    /// <summary>Registry rows: who runs each projection and when it last said so.</summary>
    public async Task<IReadOnlyDictionary<string, (int LiveGeneration, string? Owner, DateTimeOffset? Heartbeat)>> LoadRegistryAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT name, live_generation, owner, heartbeat_at FROM {_reg}.registry");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new Dictionary<string, (int, string?, DateTimeOffset?)>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows[reader.GetString(0)] = (reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2), NullableAt<DateTimeOffset>(reader, 3));
        }

        return rows;
    }

    public async Task<DateTimeOffset> NowAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT now()");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetFieldValue<DateTimeOffset>(0);
    }

    public async Task HeartbeatAsync(string name, string owner, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            UPDATE {_reg}.registry
            SET owner = $2, heartbeat_at = now(), owner_since = CASE WHEN owner IS DISTINCT FROM $2 THEN now() ELSE owner_since END
            WHERE name = $1
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = owner });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>On a clean stop: no active instance until a standby takes the lock (unless one already has).</summary>
    public async Task ReleaseOwnerAsync(string name, string owner, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"UPDATE {_reg}.registry SET owner = NULL, heartbeat_at = NULL WHERE name = $1 AND owner = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = owner });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Inside a batch transaction: moves the checkpoint from <paramref name="from"/> to <paramref name="to"/>. Zero rows
    /// means another instance moved it (or the build was switched away): the batch must not be applied.
    /// </summary>
    public async Task<int> AdvanceCheckpointAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        GenerationRecord generation,
        Position? from,
        RecordedEvent to,
        BatchCounts counts,
        double eventsPerSecond,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            UPDATE {_reg}.generations
            SET checkpoint_commit = $5, checkpoint_prepare = $6, checkpoint_created = $7,
                events_seen = events_seen + $8, events_handled = events_handled + $9, events_skipped = events_skipped + $10,
                events_unknown = events_unknown + $11, events_per_second = $12, updated_at = now(),
                last_error = CASE WHEN error_transient THEN NULL ELSE last_error END,
                error_transient = false
            WHERE name = $1 AND generation = $2 AND role IN ('{Roles.Live}', '{Roles.Building}')
              AND checkpoint_commit IS NOT DISTINCT FROM $3 AND checkpoint_prepare IS NOT DISTINCT FROM $4
            """,
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = generation.Name });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = generation.Generation });
        AddPosition(command, from);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checked((long)to.Position.Commit) });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checked((long)to.Position.Prepare) });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = to.Created.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = counts.Seen });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = counts.Handled });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = counts.Skipped });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = counts.Unknown });
        command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = eventsPerSecond });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<Position?> ReadCheckpointAsync(GenerationRecord generation, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT checkpoint_commit, checkpoint_prepare FROM {_reg}.generations WHERE name = $1 AND generation = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = generation.Name });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = generation.Generation });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? PositionAt(reader, 0) : null;
    }

    public async Task SetPhaseAsync(GenerationRecord generation, string phase, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            UPDATE {_reg}.generations
            SET phase = $3, updated_at = now(),
                caught_up_at = CASE WHEN $3 = '{Phases.Live}' THEN coalesce(caught_up_at, now()) ELSE caught_up_at END
            WHERE name = $1 AND generation = $2 AND phase <> '{Phases.Faulted}'
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = generation.Name });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = generation.Generation });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = phase });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records an error. A non-transient one faults the generation: it stops until resumed or rebuilt.</summary>
    public async Task RecordErrorAsync(GenerationRecord generation, Exception error, RecordedEvent? offending, bool transient, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            UPDATE {_reg}.generations
            SET phase = CASE WHEN $3 THEN phase ELSE '{Phases.Faulted}' END,
                last_error = $4, error_at = now(), error_transient = $3,
                error_commit = $5, error_prepare = $6, error_stream = $7, error_type = $8, error_event_id = $9, updated_at = now()
            WHERE name = $1 AND generation = $2
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = generation.Name });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = generation.Generation });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = transient });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = DescribeError(error) });
        AddPosition(command, offending?.Position);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)offending?.StreamId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)offending?.Type ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)offending?.EventId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Clears a fault so the active instance starts the generation again. False if nothing was faulted.</summary>
    public async Task<bool> ResumeAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            UPDATE {_reg}.generations SET phase = '{Phases.CatchingUp}', last_error = NULL, error_at = NULL, error_commit = NULL, error_prepare = NULL,
                error_stream = NULL, error_type = NULL, error_event_id = NULL, error_transient = false, updated_at = now()
            WHERE name = $1 AND phase = '{Phases.Faulted}' AND role IN ('{Roles.Live}', '{Roles.Building}')
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private static void AddPosition(NpgsqlCommand command, Position? position)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = position is { } p ? checked((long)p.Commit) : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = position is { } q ? checked((long)q.Prepare) : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>What one batch transaction covered.</summary>
internal readonly record struct BatchCounts(long Seen, long Handled, long Skipped, long Unknown);
