using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrderLedger.Application.CommandHandling;
using OrderLedger.Application.Orders;
using OrderLedger.Application.Refunds;
using OrderLedger.Application.Shipments;
using OrderLedger.Application.Stock;
using OrderLedger.Application.Stores;
using OrderLedger.Application.WorkOrders;
using OrderLedger.Domain;
using OrderLedger.Domain.Allocation;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Application;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers command handling on top of an already registered <see cref="OrderLedger.EventStore.IEventStore"/>:
    /// the domain's <see cref="EventTypeRegistry"/> and <see cref="EventCodec"/>, the default allocation policy
    /// (replace <see cref="IAllocationPolicy"/> to change it), the workflows of <see cref="CommandTable"/>,
    /// <see cref="CommandService"/> and <see cref="ReservationRecovery"/>.
    /// </summary>
    public static IServiceCollection AddOrderLedgerApplication(this IServiceCollection services, CommandHandlerOptions? options = null)
    {
        services.TryAddSingleton(options ?? new CommandHandlerOptions());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => DomainEventTypes.CreateRegistry());
        services.TryAddSingleton(sp => new EventCodec(sp.GetRequiredService<EventTypeRegistry>()));
        services.TryAddSingleton<IAllocationPolicy>(SingleWarehouseThenSplitByLine.Instance);
        services.TryAddSingleton<CommandHandler>();
        services.TryAddSingleton<OrderPlacement>();
        services.TryAddSingleton<ShipmentWorkflow>();
        services.TryAddSingleton<RefundWorkflow>();
        services.TryAddSingleton<ReturnParcels>();
        services.TryAddSingleton<WarehousePolicy>();
        services.TryAddSingleton<WorkOrderWorkflow>();
        services.TryAddSingleton<CommandService>();
        services.TryAddSingleton<ReservationRecovery>();
        return services;
    }

    /// <summary>Runs the reservation recovery pass periodically in the host (see <see cref="ReservationRecoveryService"/>).</summary>
    public static IServiceCollection AddReservationRecoveryService(this IServiceCollection services)
    {
        services.AddHostedService<ReservationRecoveryService>();
        return services;
    }
}
