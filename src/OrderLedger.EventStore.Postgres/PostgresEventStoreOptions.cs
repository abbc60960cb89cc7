using System.Text.RegularExpressions;

namespace OrderLedger.EventStore.Postgres;

public sealed partial class PostgresEventStoreOptions
{
    /// <summary>The application's connection: a role that may only read and append to the log (docs/security.md).</summary>
    public required string ConnectionString { get; init; }

    /// <summary>
    /// The owner role's connection, for migrations only; the application role is then granted SELECT and INSERT on the
    /// log. Unset: migrations run on <see cref="ConnectionString"/> (one role for both, as in tests and older setups).
    /// </summary>
    public string? OwnerConnectionString { get; init; }

    /// <summary>The connection migrations run on, and the role to grant the log to afterwards (null: the same role).</summary>
    internal (string ConnectionString, string? AppRole) Migration =>
        string.IsNullOrWhiteSpace(OwnerConnectionString)
            ? (ConnectionString, null)
            : (OwnerConnectionString, new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString).Username is { Length: > 0 } app
                && app != new Npgsql.NpgsqlConnectionStringBuilder(OwnerConnectionString).Username ? app : null);

    /// <summary>Applies the migrations as <see cref="Migration"/> says.</summary>
    internal async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var (connectionString, appRole) = Migration;
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(connectionString);
        await PostgresMigrator.MigrateAsync(dataSource, ValidatedSchema, appRole, cancellationToken);
    }

    public const string DefaultSchema = "eventstore";

    /// <summary>The schema holding the log; one database can hold several independent logs.</summary>
    public string Schema { get; init; } = DefaultSchema;

    /// <summary>Fallback poll for live subscriptions when a notification is lost (LISTEN/NOTIFY wakes them normally).</summary>
    public TimeSpan FallbackPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many events a subscription reads per round trip while catching up.</summary>
    public int SubscriptionPageSize { get; init; } = 1000;

    internal string ValidatedSchema =>
        SchemaPattern().IsMatch(Schema) ? Schema : throw new ArgumentException($"Schema name '{Schema}' must be a lower-case SQL identifier.");

    internal string NotificationChannel => ValidatedSchema + "_appended";

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaPattern();
}
