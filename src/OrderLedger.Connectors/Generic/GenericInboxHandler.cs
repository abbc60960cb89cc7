using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using OrderLedger.Connectors.Worker;
using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Connectors.Generic;

/// <summary>
/// The generic webhook for any other platform: the envelope's <c>type</c> names a command (<see cref="Types"/>), its
/// <c>data</c> is that command's fields as the command API takes them (camelCase), its <c>time</c> the business time,
/// and <c>{source}/{id}</c> the command id — so a repeated delivery records once. A command may only touch the
/// webhook's own store: one that names a store must name it, one about an order, refund or conversation must find it
/// in that store.
/// </summary>
public sealed class GenericInboxHandler(ConnectorCommands commands) : IInboxHandler
{
    /// <summary>The commands a channel may send: what customers, bots, agents and the shop's payment do. Store policy, stock and fulfilment stay with the ledger's own callers.</summary>
    public static IReadOnlyDictionary<string, Type> Types { get; } = new[]
    {
        typeof(PlaceOrder), typeof(ConfirmPayment), typeof(FailPayment), typeof(CancelOrder), typeof(CompleteOrder),
        typeof(RequestRefund), typeof(ApproveRefund), typeof(RejectRefund), typeof(RecordReturnShipped), typeof(ReceiveReturn), typeof(PayRefund),
        typeof(StartConversation), typeof(ReceiveCustomerMessage), typeof(SendBotReply), typeof(HandOffToHuman), typeof(AssignAgent),
        typeof(SendAgentReply), typeof(ResolveConversation), typeof(RateSatisfaction), typeof(AnswerNps),
    }.ToDictionary(t => t.Name, StringComparer.Ordinal);

    private static readonly JsonSerializerOptions Reading = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public string Channel => Channels.Generic;

    public async Task<string> HandleAsync(InboxEntry entry, CancellationToken cancellationToken)
    {
        var envelope = GenericEnvelope.Parse(entry.Body);
        var commandId = $"{Channels.Generic}/{envelope.Source}/{envelope.Id}";
        if (!Types.TryGetValue(envelope.Type, out var type))
        {
            return $"{commandId} type {envelope.Type}: not mapped";
        }

        var data = (JsonObject)envelope.Data.DeepClone();
        data["occurredAt"] = envelope.Time.ToString("O");
        if (type == typeof(StartConversation))
        {
            data["unresolvedAboutSameOrder"] = new JsonArray(); // looked up by the command API, not taken from a caller
        }

        IDomainCommand command;
        try
        {
            command = (IDomainCommand)(data.Deserialize(type, Reading) ?? throw new JsonException("null"));
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException)
        {
            return $"{commandId} data does not make a {type.Name}: not mapped";
        }

        if (await StoreOfAsync(command, cancellationToken) is var owner && owner != entry.StoreId)
        {
            return $"{commandId}: {(owner is null ? "its subject is unknown" : "its subject belongs to another store")}, nothing done";
        }

        var log = new List<string>();
        await commands.RunAsync(command, commandId, ActorOf(command, envelope.Source), entry.StoreId, envelope.Time, log, cancellationToken);
        return string.Join("; ", log);
    }

    private async Task<string?> StoreOfAsync(IDomainCommand command, CancellationToken cancellationToken)
    {
        var handler = commands.Service.Handler;
        return command switch
        {
            PlaceOrder place => place.StoreId,
            StartConversation start => start.StoreId,
            RequestRefund request => (await handler.LoadAsync(OrderDecider.Decider, StreamIds.Order(request.OrderId), cancellationToken: cancellationToken)).State is { IsPlaced: true } order && order.StoreId == request.StoreId ? order.StoreId : null,
            OrderCommand c => Known((await handler.LoadAsync(OrderDecider.Decider, StreamIds.Order(c.OrderId), cancellationToken: cancellationToken)).State.StoreId),
            RefundCommand c => Known((await handler.LoadAsync(RefundDecider.Decider, StreamIds.Refund(c.RefundId), cancellationToken: cancellationToken)).State.StoreId),
            ConversationCommand c => Known((await handler.LoadAsync(ConversationDecider.Decider, StreamIds.Conversation(c.ConversationId), cancellationToken: cancellationToken)).State.StoreId),
            _ => null,
        };
    }

    private static string? Known(string storeId) => storeId.Length == 0 ? null : storeId;

    /// <summary>As the command API names the actor of a channel connector's command (docs/security.md, "Actor kinds").</summary>
    private static Actor ActorOf(IDomainCommand command, string source) => command switch
    {
        StartConversation c => new Actor(ActorKind.Customer, c.CustomerId),
        ReceiveCustomerMessage or RateSatisfaction or AnswerNps => new Actor(ActorKind.Customer, source),
        ResolveConversation { ResolvedBy: "customer" } => new Actor(ActorKind.Customer, source),
        SendBotReply or HandOffToHuman or ResolveConversation { ResolvedBy: "bot" } => new Actor(ActorKind.Bot, source),
        AssignAgent c => new Actor(ActorKind.Agent, c.AgentId),
        SendAgentReply c => new Actor(ActorKind.Agent, c.AgentId),
        ResolveConversation c => new Actor(ActorKind.Agent, c.ResolvedBy),
        RequestRefund c => new Actor(ActorKind.Customer, c.CustomerId),
        _ => Actor.System($"{Channels.Generic}/{source}"),
    };
}
