using System.Text.RegularExpressions;

namespace OrderLedger.EventStore.Postgres;

public sealed partial class PostgresEventStoreOptions
{
    public required string ConnectionString { get; init; }

    /// <summary>The schema holding the log; one database can hold several independent logs.</summary>
    public string Schema { get; init; } = "eventstore";

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
