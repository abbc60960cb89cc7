using JasperFx;
using JasperFx.Events;
using Marten;

namespace OrderLedger.Bench;

/// <summary>Marten as every peer figure configures it: its own schema on the bench database, string stream keys, quick append.</summary>
internal static class MartenStores
{
    public static DocumentStore For(string connectionString, string schema, Action<StoreOptions>? more = null) => DocumentStore.For(options =>
    {
        options.Connection(connectionString);
        options.DatabaseSchemaName = schema;
        options.AutoCreateSchemaObjects = AutoCreate.All;
        options.Events.StreamIdentity = StreamIdentity.AsString;
        options.Events.AppendMode = EventAppendMode.Quick;
        more?.Invoke(options);
    });
}
