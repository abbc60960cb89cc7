using Dapper;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Projections.Tests.Support;

namespace OrderLedger.Projections.Tests.Samples;

// docs/projections.md shows this file: the smallest complete projection. Readers query rm.deposit_totals.
#region sample: deposit-totals
public sealed class DepositTotalsProjection : IProjection
{
    public string Name => "deposit_totals";

    public int Version => 1;

    public IReadOnlySet<string> EventTypes { get; } = TestEvents.CreateRegistry().NamesOf(typeof(Deposited));

    public IReadOnlyList<string> Tables => ["deposit_totals"];

    public string CreateTablesSql(string schema) => $"""
        CREATE TABLE {schema}.deposit_totals (
            stream_id text PRIMARY KEY,
            total     bigint NOT NULL,
            deposits  int NOT NULL);
        """;

    public Task ApplyAsync(IReadOnlyList<DecodedEvent> batch, ProjectionContext context, CancellationToken cancellationToken) =>
        context.Connection.ExecuteAsync(
            new CommandDefinition(
                $"""
                INSERT INTO {context.Schema}.deposit_totals AS t (stream_id, total, deposits)
                SELECT stream_id, sum(amount), count(*) FROM unnest(@Streams, @Amounts) AS b(stream_id, amount)
                GROUP BY stream_id
                ON CONFLICT (stream_id) DO UPDATE SET total = t.total + excluded.total, deposits = t.deposits + excluded.deposits
                """,
                new
                {
                    Streams = batch.Select(e => e.Record.StreamId).ToArray(),
                    Amounts = batch.Select(e => ((Deposited)e.Event).Amount).ToArray(),
                },
                context.Transaction,
                cancellationToken: cancellationToken));
}
#endregion
