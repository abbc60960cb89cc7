using Npgsql;
using NpgsqlTypes;
using OrderLedger.Domain;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Stores;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Projections;
using OrderLedger.Projections.Runtime;
using OrderLedger.Projections.Sql;
using OrderLedger.ReadModels.Infrastructure;

namespace OrderLedger.ReadModels;

/// <summary>
/// One row of <c>stock_levels</c>: a SKU in a warehouse. <see cref="Available"/> = on hand − reserved;
/// <see cref="LowStock"/> when available ≤ the projection's threshold. Received / shipped / adjusted / restocked are running totals
/// (<see cref="Restocked"/>: units that came back and went on hand again — refused parcels, returns that passed inspection).
/// </summary>
public sealed record StockLevel(
    string WarehouseId,
    string Sku,
    int OnHand,
    int Reserved,
    int Available,
    bool LowStock,
    int Received,
    int Shipped,
    int Adjusted,
    DateTimeOffset UpdatedAt,
    int Restocked = 0);

/// <summary>
/// <c>stock_levels</c> from the stock streams (received, reserved, released, committed, adjusted, restocked), and
/// <c>stock_level_warehouses</c> (which store uses which warehouse, from <c>store-warehouses-set</c>) so a store sees
/// the stock of its own warehouses.
/// </summary>
/// <param name="lowStockThreshold">Available quantity at or below which a SKU is flagged low; changing it needs a rebuild (bump the version).</param>
public sealed class StockLevelsProjection(int lowStockThreshold = StockLevelsProjection.DefaultLowStockThreshold) : IProjection
{
    public const int DefaultLowStockThreshold = 5;
    public const string Table = "stock_levels";
    public const string WarehousesTable = "stock_level_warehouses";

    public int LowStockThreshold { get; } = lowStockThreshold;

    public string Name => "stock_levels";

    /// <summary>2: the <c>restocked</c> column.</summary>
    public int Version => 2;

    public IReadOnlySet<string> EventTypes { get; } = DomainEventTypes.NamesOf(typeof(StockEvent), typeof(StoreWarehousesSet));

    public IReadOnlyList<string> Tables { get; } = [Table, WarehousesTable];

    public string CreateTablesSql(string schema) => $"""
        CREATE TABLE {schema}.stock_levels (
            warehouse_id  text NOT NULL,
            sku           text NOT NULL,
            on_hand       integer NOT NULL,
            reserved      integer NOT NULL,
            available     integer NOT NULL,
            low_stock     boolean NOT NULL,
            received      integer NOT NULL,
            shipped       integer NOT NULL,
            adjusted      integer NOT NULL,
            updated_at    timestamptz NOT NULL,
            restocked     integer NOT NULL,
            PRIMARY KEY (warehouse_id, sku)
        );
        CREATE INDEX ON {schema}.stock_levels (warehouse_id, sku) WHERE low_stock;
        CREATE TABLE {schema}.stock_level_warehouses (
            store_id      text NOT NULL,
            warehouse_id  text NOT NULL,
            PRIMARY KEY (store_id, warehouse_id)
        );
        CREATE INDEX ON {schema}.stock_level_warehouses (warehouse_id);
        """;

    public async Task ApplyAsync(IReadOnlyList<DecodedEvent> batch, ProjectionContext context, CancellationToken cancellationToken)
    {
        await Rows.FoldAsync(context, batch, e => KeyOf(e.Event), k => [k.WarehouseId, k.Sku], r => new Key(r.WarehouseId, r.Sku), Evolve, cancellationToken);
        await SetWarehousesAsync(context, batch, cancellationToken);
    }

    private sealed record Key(string WarehouseId, string Sku);

    private static Key? KeyOf(object e) => e is StockEvent s ? new Key(s.WarehouseId, s.Sku) : null;

    private StockLevel? Evolve(StockLevel? row, DecodedEvent e)
    {
        var at = e.OccurredAt();
        var level = row ?? (KeyOf(e.Event) is { } key ? new StockLevel(key.WarehouseId, key.Sku, 0, 0, 0, false, 0, 0, 0, at) : null);
        var next = (level, e.Event) switch
        {
            (null, _) => null,
            (_, StockReceived x) => level with { OnHand = level.OnHand + x.Quantity, Received = level.Received + x.Quantity },
            (_, StockReserved x) => level with { Reserved = level.Reserved + x.Quantity },
            (_, StockReservationReleased x) => level with { Reserved = level.Reserved - x.Quantity },
            (_, StockReservationReduced x) => level with { Reserved = level.Reserved - x.Quantity },
            (_, StockReservationCommitted x) => level with
            {
                OnHand = level.OnHand - x.Quantity, Reserved = level.Reserved - x.Quantity, Shipped = level.Shipped + x.Quantity,
            },
            (_, StockAdjusted x) => level with { OnHand = x.OnHand, Adjusted = level.Adjusted + x.Delta },
            (_, StockRestocked x) => level with { OnHand = level.OnHand + x.Quantity, Restocked = level.Restocked + x.Quantity },
            _ => null,
        };

        if (next is null)
        {
            return row;
        }

        var available = next.OnHand - next.Reserved;
        return next with { Available = available, LowStock = available <= LowStockThreshold, UpdatedAt = at };
    }

    /// <summary>A store's warehouse list is replaced by its latest <c>store-warehouses-set</c>.</summary>
    private static async Task SetWarehousesAsync(ProjectionContext context, IReadOnlyList<DecodedEvent> batch, CancellationToken cancellationToken)
    {
        var latest = new Dictionary<string, StoreWarehousesSet>(StringComparer.Ordinal);
        foreach (var set in batch.Select(e => e.Event).OfType<StoreWarehousesSet>())
        {
            latest[set.StoreId] = set;
        }

        if (latest.Count == 0)
        {
            return;
        }

        var pairs = latest.Values.SelectMany(s => s.Warehouses.Select(w => (s.StoreId, w.WarehouseId))).Distinct().ToList();
        await using var command = new NpgsqlCommand(
            $"""
            DELETE FROM {context.Schema}.stock_level_warehouses WHERE store_id = ANY(@stores);
            INSERT INTO {context.Schema}.stock_level_warehouses (store_id, warehouse_id) SELECT * FROM unnest(@storeIds, @warehouseIds);
            """,
            context.Connection,
            context.Transaction);
        command.Parameters.Add(new NpgsqlParameter<string[]>("stores", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. latest.Keys] });
        command.Parameters.Add(new NpgsqlParameter<string[]>("storeIds", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. pairs.Select(p => p.StoreId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]>("warehouseIds", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. pairs.Select(p => p.WarehouseId)] });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static readonly RowTable<StockLevel> Rows = new(
        Table,
        keyCount: 2,
        r => new StockLevel(r.Text(0), r.Text(1), r.Int(2), r.Int(3), r.Int(4), r.Bool(5), r.Int(6), r.Int(7), r.Int(8), r.Time(9), r.Int(10)),
        Col.Text<StockLevel>("warehouse_id", s => s.WarehouseId),
        Col.Text<StockLevel>("sku", s => s.Sku),
        Col.Int<StockLevel>("on_hand", s => s.OnHand),
        Col.Int<StockLevel>("reserved", s => s.Reserved),
        Col.Int<StockLevel>("available", s => s.Available),
        Col.Bool<StockLevel>("low_stock", s => s.LowStock),
        Col.Int<StockLevel>("received", s => s.Received),
        Col.Int<StockLevel>("shipped", s => s.Shipped),
        Col.Int<StockLevel>("adjusted", s => s.Adjusted),
        Col.Time<StockLevel>("updated_at", s => s.UpdatedAt),
        Col.Int<StockLevel>("restocked", s => s.Restocked));
}

/// <summary>Reads <c>rm.stock_levels</c>.</summary>
public sealed class StockLevelQueries(NpgsqlDataSource dataSource, string viewSchema = ProjectionOptions.DefaultViewSchema)
    : ViewQueries(dataSource, viewSchema)
{
    private static readonly string Columns = string.Join(", ", StockLevelsProjection.Rows.SelectList.Split(", ").Select(c => "s." + c));

    public Task<StockLevel?> GetAsync(string warehouseId, string sku, CancellationToken cancellationToken = default) =>
        ReadModelQuery.SingleOrDefaultAsync(
            DataSource, $"SELECT {Columns} FROM {Views}.stock_levels s WHERE s.warehouse_id = @warehouseId AND s.sku = @sku",
            new { warehouseId, sku }, StockLevelsProjection.Rows.Read, cancellationToken);

    /// <summary>Levels in the given warehouses, by warehouse then SKU; only low ones when <paramref name="lowStockOnly"/>.</summary>
    public Task<List<StockLevel>> ListForWarehousesAsync(
        IReadOnlyCollection<string> warehouseIds, bool lowStockOnly = false, int limit = 200, CancellationToken cancellationToken = default) =>
        ReadModelQuery.ListAsync(
            DataSource,
            $"""
            SELECT {Columns} FROM {Views}.stock_levels s
            WHERE s.warehouse_id = ANY(@warehouseIds) AND (NOT @lowStockOnly OR s.low_stock)
            ORDER BY s.warehouse_id, s.sku LIMIT @limit
            """,
            new { warehouseIds = ReadModelQuery.Array(warehouseIds), lowStockOnly, limit = ReadModelQuery.Clamp(limit) },
            StockLevelsProjection.Rows.Read,
            cancellationToken);

    /// <summary>Levels in the warehouses the given stores use (their latest <c>store-warehouses-set</c>).</summary>
    public Task<List<StockLevel>> ListForStoresAsync(
        IReadOnlyCollection<string> storeIds, bool lowStockOnly = false, int limit = 200, CancellationToken cancellationToken = default) =>
        ReadModelQuery.ListAsync(
            DataSource,
            $"""
            SELECT {Columns} FROM {Views}.stock_levels s
            WHERE s.warehouse_id IN (SELECT w.warehouse_id FROM {Views}.stock_level_warehouses w WHERE w.store_id = ANY(@storeIds))
              AND (NOT @lowStockOnly OR s.low_stock)
            ORDER BY s.warehouse_id, s.sku LIMIT @limit
            """,
            new { storeIds = ReadModelQuery.Array(storeIds), lowStockOnly, limit = ReadModelQuery.Clamp(limit) },
            StockLevelsProjection.Rows.Read,
            cancellationToken);

    /// <summary>How many SKUs are low in some warehouse a store (null: any store) uses; null while the read model is not built in this database.</summary>
    public Task<long?> CountLowStockSkusAsync(string? storeId, CancellationToken cancellationToken = default) =>
        ReadModelQuery.ScalarIfBuiltAsync(DataSource, CountLowStockSkusSql(storeId), new { store = storeId ?? "" }, r => r.GetInt64(0), cancellationToken);

    /// <summary><see cref="CountLowStockSkusAsync"/> as a statement of <paramref name="batch"/> (the caller knows the views exist: <see cref="Views"/>).</summary>
    public Func<long> AddCountLowStockSkus(QueryBatch batch, string? storeId)
    {
        var rows = batch.Add(CountLowStockSkusSql(storeId), new { store = storeId ?? "" }, r => r.GetInt64(0), QueryBatch.Plan.Generic);
        return () => rows().Single();
    }

    /// <summary>The views the count reads.</summary>
    public IReadOnlyList<string> CountViews => [$"{Views}.stock_levels", $"{Views}.stock_level_warehouses"];

    private string CountLowStockSkusSql(string? storeId) => $"""
        SELECT count(DISTINCT s.sku)
        FROM {Views}.stock_levels s JOIN {Views}.stock_level_warehouses w ON w.warehouse_id = s.warehouse_id
        WHERE s.low_stock AND {ReadModelQuery.StoreIs(storeId, "w.store_id")}
        """;
}
