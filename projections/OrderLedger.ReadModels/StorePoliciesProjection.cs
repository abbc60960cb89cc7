using Npgsql;
using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Stores;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Projections;
using OrderLedger.Projections.Runtime;
using OrderLedger.Projections.Sql;
using OrderLedger.ReadModels.Infrastructure;

namespace OrderLedger.ReadModels;

/// <summary>
/// A store's VIP rule (<c>store_policies</c>) and <see cref="StreamRevision"/>: the revision of the newest event of the
/// store's stream applied, whatever its type, so a reader can tell the row is as current as the stream.
/// </summary>
public sealed record StorePolicyRow(string StoreId, decimal? VipMinPaidLast12Months, IReadOnlyList<string> VipMemberLevels, long StreamRevision);

/// <summary>The member level a store gave one customer (<c>store_member_levels</c>); null once cleared.</summary>
public sealed record StoreMemberLevelRow(string StoreId, string CustomerId, string? Level);

/// <summary>
/// <c>store_policies</c>: what a customer's standing needs of the store's stream — the VIP rule and the member levels —
/// so a conversation start and the buyer's profile need not fold the store's stream, which grows with every member
/// level and return parcel (docs/read-models.md).
/// </summary>
public sealed class StorePoliciesProjection : IProjection
{
    public string Name => "store_policies";

    /// <summary>1: the VIP rule, the member levels and the stream revision (issue 17).</summary>
    public int Version => 1;

    /// <summary>Every store event, not only the rule's: each one moves <see cref="StorePolicyRow.StreamRevision"/> to the stream's.</summary>
    public IReadOnlySet<string> EventTypes { get; } = DomainEventTypes.NamesOf<StoreEvent>();

    public IReadOnlyList<string> Tables { get; } = ["store_policies", "store_member_levels"];

    public string CreateTablesSql(string schema) => $"""
        CREATE TABLE {schema}.store_policies (
            store_id           text PRIMARY KEY,
            vip_min_paid       numeric,
            vip_member_levels  jsonb NOT NULL,
            stream_revision    bigint NOT NULL);
        CREATE TABLE {schema}.store_member_levels (
            store_id     text NOT NULL,
            customer_id  text NOT NULL,
            level        text,
            PRIMARY KEY (store_id, customer_id));
        """;

    public async Task ApplyAsync(IReadOnlyList<DecodedEvent> batch, ProjectionContext context, CancellationToken cancellationToken)
    {
        await Policies.FoldAsync(context, batch, e => e.Event is StoreEvent s ? s.StoreId : null, id => [id], r => r.StoreId, EvolvePolicy, cancellationToken);
        await MemberLevels.FoldAsync(
            context, batch, e => e.Event is StoreCustomerMemberLevelSet m ? new LevelKey(m.StoreId, m.CustomerId) : null,
            k => [k.StoreId, k.CustomerId], r => new LevelKey(r.StoreId, r.CustomerId), EvolveLevel, cancellationToken);
    }

    private sealed record LevelKey(string StoreId, string CustomerId);

    internal static StorePolicyRow? EvolvePolicy(StorePolicyRow? row, DecodedEvent e)
    {
        if (e.Event is not StoreEvent s)
        {
            return row;
        }

        var current = (row ?? new StorePolicyRow(s.StoreId, null, [], -1)) with { StreamRevision = checked((long)e.Record.Revision) };
        return s is StoreVipRuleSet v ? current with { VipMinPaidLast12Months = v.MinPaidLast12Months, VipMemberLevels = v.MemberLevels } : current;
    }

    private static StoreMemberLevelRow? EvolveLevel(StoreMemberLevelRow? row, DecodedEvent e) =>
        e.Event is StoreCustomerMemberLevelSet m ? new StoreMemberLevelRow(m.StoreId, m.CustomerId, m.Level) : row;

    internal static readonly RowTable<StorePolicyRow> Policies = new(
        "store_policies",
        keyCount: 1,
        r => new StorePolicyRow(r.Text(0), r.MoneyN(1), r.Texts(2), r.Long(3)),
        Col.Text<StorePolicyRow>("store_id", p => p.StoreId),
        Col.MoneyN<StorePolicyRow>("vip_min_paid", p => p.VipMinPaidLast12Months),
        Col.Texts<StorePolicyRow>("vip_member_levels", p => p.VipMemberLevels),
        Col.Long<StorePolicyRow>("stream_revision", p => p.StreamRevision));

    internal static readonly RowTable<StoreMemberLevelRow> MemberLevels = new(
        "store_member_levels",
        keyCount: 2,
        r => new StoreMemberLevelRow(r.Text(0), r.Text(1), r.TextN(2)),
        Col.Text<StoreMemberLevelRow>("store_id", m => m.StoreId),
        Col.Text<StoreMemberLevelRow>("customer_id", m => m.CustomerId),
        Col.Text<StoreMemberLevelRow>("level", m => m.Level));
}

/// <summary>
/// What one customer's standing needs of a store: its VIP rule, the member level it gave the customer, and the revision
/// of the store's stream those are as of.
/// </summary>
public sealed record StorePolicyFacts(VipRule VipRule, string? MemberLevel, long StreamRevision);

/// <summary>Reads <c>rm.store_policies</c> and <c>rm.store_member_levels</c>.</summary>
public sealed class StorePolicyQueries(NpgsqlDataSource dataSource, string viewSchema = ProjectionOptions.DefaultViewSchema) : ViewQueries(dataSource, viewSchema)
{
    /// <summary>
    /// The store's rule and the customer's level in one read; null when the read model has no row for the store — no
    /// event of its stream applied yet, or the read model not built at all.
    /// </summary>
    public async Task<StorePolicyFacts?> GetForCustomerAsync(string storeId, string customerId, CancellationToken cancellationToken = default)
    {
        try
        {
            return await ReadModelQuery.SingleOrDefaultAsync(
                DataSource,
                $"""
                SELECT p.vip_min_paid, p.vip_member_levels, p.stream_revision, m.level
                FROM {Views}.store_policies p
                LEFT JOIN {Views}.store_member_levels m ON m.store_id = p.store_id AND m.customer_id = @customerId
                WHERE p.store_id = @storeId
                """,
                new { storeId, customerId },
                r => new StorePolicyFacts(new VipRule(r.MoneyN(0), r.Texts(1)), r.TextN(3), r.Long(2)),
                cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return null;
        }
    }
}
