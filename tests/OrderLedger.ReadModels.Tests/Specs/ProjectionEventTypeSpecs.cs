using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stores;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Projections;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.ReadModels.Tests.Specs;

/// <summary>
/// The runtime delivers a projection only its <see cref="IProjection.EventTypes"/>, so an event its fold handles but its
/// set leaves out would be dropped without a trace. For the row folds: a row, then a sample of every registered event
/// type outside the set, each of which must leave the row as it is.
/// </summary>
public sealed class ProjectionEventTypeSpecs
{
    private static readonly IReadOnlyList<(string TypeName, object Event)> Samples = EventSamples.Of(DomainEventTypes.CreateRegistry());

    public static TheoryData<string> Folds => ["orders", "shipments", "refunds", "conversations", "store_policies"];

    private static (IProjection Projection, Type Creates, Func<object?, DecodedEvent, object?> Evolve) Fold(string name) => name switch
    {
        "orders" => (new OrdersProjection(), typeof(OrderPlaced), (row, e) => OrdersProjection.Evolve((OrderSummary?)row, e)),
        "shipments" => (new ShipmentsProjection(), typeof(ShipmentCreated), (row, e) => ShipmentsProjection.Evolve((ShipmentSummary?)row, e)),
        "refunds" => (new RefundsProjection(), typeof(RefundRequested), (row, e) => RefundsProjection.Evolve((RefundSummary?)row, e)),
        "conversations" => (new ConversationsProjection(), typeof(ConversationStarted), (row, e) => ConversationsProjection.Evolve((ConversationSummary?)row, e)),
        "store_policies" => (new StorePoliciesProjection(), typeof(StoreRegistered), (row, e) => StorePoliciesProjection.EvolvePolicy((StorePolicyRow?)row, e)),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static DecodedEvent Decoded((string TypeName, object Event) sample) =>
        new(new RecordedEvent("sample", 0, Position.Start, Guid.Empty, sample.TypeName, default, default, new DateTimeOffset(2026, 11, 11, 2, 0, 0, TimeSpan.Zero)), sample.Event, null);

    [Theory]
    [MemberData(nameof(Folds))]
    public void A_fold_changes_its_row_only_for_the_event_types_it_takes(string name)
    {
        var (projection, creates, evolve) = Fold(name);
        var row = evolve(null, Decoded(Samples.Single(s => s.Event.GetType() == creates)));
        Assert.NotNull(row);
        Assert.Contains(Samples.Single(s => s.Event.GetType() == creates).TypeName, projection.EventTypes);

        var handledButNotTaken = Samples
            .Where(s => !projection.EventTypes.Contains(s.TypeName) && !ReferenceEquals(evolve(row, Decoded(s)), row))
            .Select(s => s.TypeName);

        Assert.Empty(handledButNotTaken);
    }
}
