using Npgsql;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Projections;

/// <summary>
/// A read model built from the log (brief §4). The runtime owns checkpoints, batching, transactions,
/// failure handling and blue/green rebuilds; a projection only says which events it wants, which tables
/// it owns, and how a batch of events changes them.
/// </summary>
public interface IProjection
{
    /// <summary>Lower-case identifier, e.g. <c>orders</c>.</summary>
    string Name { get; }

    /// <summary>Bump when the handler or the tables change: the runtime then rebuilds it blue/green.</summary>
    int Version { get; }

    /// <summary>The event type names it handles; every other event is skipped (and counted) by the runtime.</summary>
    IReadOnlySet<string> EventTypes { get; }

    /// <summary>
    /// The tables it owns. Each build lives in its own schema; readers query the stable views
    /// <c>rm.&lt;table&gt;</c>, which the runtime points at the live build. Names are unique across projections.
    /// </summary>
    IReadOnlyList<string> Tables { get; }

    /// <summary>
    /// Of <see cref="Tables"/>, the small ones a build updates over and over (counters, histograms): a build leaves them
    /// many times their size in dead row versions (a bucket is rewritten by every batch that adds to it), and every scan
    /// of them pays for each page. The runtime rewrites them compactly (<c>VACUUM FULL</c>) before the build goes live,
    /// which holds the build for as long as the rewrite takes: list none that grow with the log.
    /// </summary>
    IReadOnlyList<string> CompactedTables => [];

    /// <summary>DDL creating the tables (and indexes) inside <paramref name="schema"/>.</summary>
    string CreateTablesSql(string schema);

    /// <summary>
    /// Applies a batch of events (position order, only handled types) with set-based SQL, inside the
    /// runtime's transaction, which also moves the checkpoint: effects are exactly-once.
    /// </summary>
    Task ApplyAsync(IReadOnlyList<DecodedEvent> batch, ProjectionContext context, CancellationToken cancellationToken);
}

/// <summary>Where a batch is written: the build's schema, on the runtime's connection and transaction.</summary>
public sealed record ProjectionContext(NpgsqlConnection Connection, NpgsqlTransaction Transaction, string Schema);
