using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrderLedger.Domain;
using OrderLedger.Hosting;
using OrderLedger.Projections;
using Xunit;

namespace OrderLedger.Reactors.Tests;

/// <summary>
/// The event types each projection of the product takes from <c>$all</c> (the runtime decodes and delivers only these),
/// against <c>Expected/projection-event-types.txt</c>: one line per projection and type, recorded when the sets were
/// still string literals. A projection that starts or stops taking a type changes what it is fed, so that is a
/// deliberate edit of the file.
/// </summary>
public sealed class ProductProjectionEventTypesTests
{
    internal static IReadOnlyList<IProjection> ProductProjections()
    {
        var services = new ServiceCollection();
        services.AddOrderLedgerProjections(new ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider();
        return [.. provider.GetServices<IProjection>().OrderBy(p => p.Name, StringComparer.Ordinal)];
    }

    internal static IEnumerable<string> EventTypeLines(IEnumerable<IProjection> projections) =>
        projections.SelectMany(p => p.EventTypes.Order(StringComparer.Ordinal).Select(type => $"{p.Name} {type}"));

    [Fact]
    public void Every_projection_takes_exactly_the_recorded_event_types()
    {
        var expected = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Expected", "projection-event-types.txt"));

        Assert.Equal(expected, EventTypeLines(ProductProjections()));
    }

    [Fact]
    public void Every_projection_takes_some_event_types_and_only_registered_ones()
    {
        var registry = DomainEventTypes.CreateRegistry();

        Assert.All(ProductProjections(), projection =>
        {
            Assert.NotEmpty(projection.EventTypes);
            Assert.All(projection.EventTypes, type => Assert.True(registry.IsKnown(type), $"{projection.Name}: {type} is not a registered event type"));
        });
    }
}
