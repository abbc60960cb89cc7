using Npgsql;
using OrderLedger.Projections.Runtime;

namespace OrderLedger.ReadModels.Infrastructure;

/// <summary>
/// What every query class reads through: the read-model database and the schema its stable views live in
/// (<c>Projections:ViewSchema</c>, <c>rm</c> by default), checked to be an identifier since it stands in the SQL text.
/// </summary>
public abstract class ViewQueries(NpgsqlDataSource dataSource, string viewSchema)
{
    protected NpgsqlDataSource DataSource { get; } = dataSource;

    protected string Views { get; } = ProjectionOptions.CheckedSchema(viewSchema);
}
