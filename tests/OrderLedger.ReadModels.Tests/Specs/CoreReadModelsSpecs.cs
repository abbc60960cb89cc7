using OrderLedger.Domain;
using Xunit;

namespace OrderLedger.ReadModels.Tests.Specs;

public sealed class CoreReadModelsSpecs
{
    [Fact]
    public void The_core_read_models_have_unique_names_and_tables()
    {
        var all = CoreReadModels.All();

        Assert.Equal(
            ["orders", "customer_timeline", "stock_levels", "shipments", "refunds", "conversations"],
            all.Select(p => p.Name));
        var tables = all.SelectMany(p => p.Tables).ToList();
        Assert.Equal(tables.Count, tables.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Every_handled_event_type_is_a_domain_event_type()
    {
        var registry = DomainEventTypes.CreateRegistry();

        var unknown = CoreReadModels.All().SelectMany(p => p.EventTypes.Select(t => $"{p.Name}: {t}")).Where(t => !registry.IsKnown(t.Split(": ")[1]));

        Assert.Empty(unknown);
    }

    [Fact]
    public void Every_conversation_and_refund_fact_reaches_the_customer_timeline()
    {
        var timeline = new CustomerTimelineProjection().EventTypes;

        var missing = DomainEventTypes.CreateRegistry().TypeNames
            .Where(t => t.StartsWith("conversation-", StringComparison.Ordinal) || t.StartsWith("refund-", StringComparison.Ordinal)
                        || t.StartsWith("shipment-", StringComparison.Ordinal))
            .Where(t => !timeline.Contains(t));

        Assert.Empty(missing);
    }
}
