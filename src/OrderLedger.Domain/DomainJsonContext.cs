using System.Text.Json.Serialization;
using OrderLedger.Domain.Stores;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Alerts;
using OrderLedger.Domain.Inbox;

namespace OrderLedger.Domain;

/// <summary>Source-generated JSON contracts of every domain event: camelCase properties, enums as strings, nulls omitted.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(StoreRegistered))]
[JsonSerializable(typeof(AlertRaised))]
[JsonSerializable(typeof(AlertRecovered))]
[JsonSerializable(typeof(StoreAutoRefundWindowSet))]
[JsonSerializable(typeof(StoreAutoRefundBasisSet))]
[JsonSerializable(typeof(StoreServiceHoursSet))]
[JsonSerializable(typeof(StoreSlaTargetsSet))]
[JsonSerializable(typeof(StoreBotHandOffSet))]
[JsonSerializable(typeof(StoreReturnAddressSet))]
[JsonSerializable(typeof(StoreWarehousesSet))]
[JsonSerializable(typeof(StoreReturnPolicySet))]
[JsonSerializable(typeof(StoreReturnTrackingClaimed))]
[JsonSerializable(typeof(WarehouseClaimed))]
[JsonSerializable(typeof(StockReceived))]
[JsonSerializable(typeof(StockReserved))]
[JsonSerializable(typeof(StockReservationReleased))]
[JsonSerializable(typeof(StockReservationReduced))]
[JsonSerializable(typeof(StockReservationCommitted))]
[JsonSerializable(typeof(StockAdjusted))]
[JsonSerializable(typeof(StockRestocked))]
[JsonSerializable(typeof(OrderPlaced))]
[JsonSerializable(typeof(OrderAttributed))]
[JsonSerializable(typeof(OrderAllocated))]
[JsonSerializable(typeof(OrderRejected))]
[JsonSerializable(typeof(OrderPaymentConfirmed))]
[JsonSerializable(typeof(OrderPaymentFailed))]
[JsonSerializable(typeof(OrderPaymentTimedOut))]
[JsonSerializable(typeof(OrderCancelled))]
[JsonSerializable(typeof(OrderShipmentHandedOver))]
[JsonSerializable(typeof(OrderShipmentIntercepted))]
[JsonSerializable(typeof(OrderCompleted))]
[JsonSerializable(typeof(OrderRefundClaimed))]
[JsonSerializable(typeof(OrderRefundClaimReleased))]
[JsonSerializable(typeof(OrderShipmentAmended))]
[JsonSerializable(typeof(OrderShipmentReturned))]
[JsonSerializable(typeof(ShipmentCreated))]
[JsonSerializable(typeof(ShipmentPicked))]
[JsonSerializable(typeof(ShipmentPackedAndVerified))]
[JsonSerializable(typeof(ShipmentHandedToCarrier))]
[JsonSerializable(typeof(ShipmentTrackingScanned))]
[JsonSerializable(typeof(ShipmentDelivered))]
[JsonSerializable(typeof(ShipmentExceptionReported))]
[JsonSerializable(typeof(ShipmentIntercepted))]
[JsonSerializable(typeof(ShipmentAmended))]
[JsonSerializable(typeof(ShipmentReturnedToSender))]
[JsonSerializable(typeof(ShipmentBackAtWarehouse))]
[JsonSerializable(typeof(RefundRequested))]
[JsonSerializable(typeof(RefundApproved))]
[JsonSerializable(typeof(RefundRejected))]
[JsonSerializable(typeof(RefundReturnAddressAssigned))]
[JsonSerializable(typeof(RefundReturnShipped))]
[JsonSerializable(typeof(RefundReturnReceived))]
[JsonSerializable(typeof(RefundReturnInspected))]
[JsonSerializable(typeof(RefundPaid))]
[JsonSerializable(typeof(RefundDisputeOpened))]
[JsonSerializable(typeof(RefundDisputeJudged))]
[JsonSerializable(typeof(ConversationStarted))]
[JsonSerializable(typeof(CustomerMessageReceived))]
[JsonSerializable(typeof(BotReplied))]
[JsonSerializable(typeof(ConversationHandedOff))]
[JsonSerializable(typeof(AgentAssigned))]
[JsonSerializable(typeof(AgentReplied))]
[JsonSerializable(typeof(ConversationEscalated))]
[JsonSerializable(typeof(EscalationDeadlineMissed))]
[JsonSerializable(typeof(EscalationResolutionWritten))]
[JsonSerializable(typeof(ConversationResolved))]
[JsonSerializable(typeof(ConversationReopened))]
[JsonSerializable(typeof(SatisfactionRated))]
[JsonSerializable(typeof(NpsSurveySent))]
[JsonSerializable(typeof(NpsAnswered))]
[JsonSerializable(typeof(InboxNotificationReceived))]
public sealed partial class DomainJsonContext : JsonSerializerContext;
