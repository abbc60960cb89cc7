using OrderLedger.Application.CommandHandling;
using OrderLedger.Domain;
using OrderLedger.Domain.Stores;
using OrderLedger.Domain.WorkOrders;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Application.WorkOrders;

/// <summary>
/// Work orders (stream <c>ticket-{ticketId}</c>). Opening one takes the store from its conversation and the owner and
/// director from the store's department, records the work order, then records it on the conversation; closing one
/// records the closure, then gives the resolution back to the conversation. An escalation goes to the department's
/// director as the store names it at the deadline. Each later step is checked before the first append, so a refusal
/// leaves every stream as it was; a retry of the command id completes a step that died half-way.
/// </summary>
public sealed class WorkOrderWorkflow(CommandHandler handler)
{
    public async Task<CommandOutcome> OpenAsync(OpenWorkOrder command, CommandContext context, CancellationToken cancellationToken = default)
    {
        var conversationStream = StreamIds.Conversation(command.ConversationId);
        var conversation = (await handler.LoadAsync(ConversationWorkOrdersDecider.Decider, conversationStream, cancellationToken: cancellationToken)).State;
        var step = new RecordWorkOrderOpened(command.ConversationId, command.TicketId, command.Department, command.Summary, command.OccurredAt);
        if (!conversation.Started)
        {
            return new CommandOutcome([], await handler.CheckAsync(ConversationWorkOrdersDecider.Decider, conversationStream, step, context.Step("conversation"), cancellationToken));
        }

        var store = (await handler.LoadAsync(StoreDecider.Decider, StreamIds.Store(conversation.StoreId), cancellationToken: cancellationToken)).State;
        var opening = command with { StoreId = conversation.StoreId, Staff = store.Departments.GetValueOrDefault(command.Department) };
        return await OnTicketThenConversationAsync(opening, conversationStream, step, ticket => ticket.ConversationId == command.ConversationId, context, cancellationToken);
    }

    public async Task<CommandOutcome> CloseAsync(CloseWorkOrder command, CommandContext context, CancellationToken cancellationToken = default)
    {
        var ticketStream = StreamIds.Ticket(command.TicketId);
        var ticket = (await handler.LoadAsync(WorkOrderDecider.Decider, ticketStream, cancellationToken: cancellationToken)).State;
        if (ticket.Status is not (WorkOrderStatus.Resolved or WorkOrderStatus.Closed) || ticket.Resolution is null)
        {
            return CommandOutcome.From(await handler.HandleAsync(WorkOrderDecider.Decider, ticketStream, command, context, cancellationToken));
        }

        var step = new RecordWorkOrderClosed(ticket.ConversationId, ticket.TicketId, ticket.Department, ticket.Resolution, command.OccurredAt);
        return await OnTicketThenConversationAsync(command, StreamIds.Conversation(ticket.ConversationId), step, _ => true, context, cancellationToken);
    }

    public async Task<CommandOutcome> EscalateAsync(EscalateWorkOrder command, CommandContext context, CancellationToken cancellationToken = default)
    {
        var ticketStream = StreamIds.Ticket(command.TicketId);
        var ticket = (await handler.LoadAsync(WorkOrderDecider.Decider, ticketStream, cancellationToken: cancellationToken)).State;
        var director = ticket.Status == WorkOrderStatus.None
            ? null
            : (await handler.LoadAsync(StoreDecider.Decider, StreamIds.Store(ticket.StoreId), cancellationToken: cancellationToken)).State
                .Departments.GetValueOrDefault(ticket.Department)?.DirectorId;
        return CommandOutcome.From(await handler.HandleAsync(WorkOrderDecider.Decider, ticketStream, command with { DirectorId = director }, context, cancellationToken));
    }

    /// <summary>
    /// The command on its work order, then <paramref name="step"/> on the conversation — each checked before the first
    /// append; the step only when the work order it left is this conversation's (<paramref name="isTheConversations"/>).
    /// </summary>
    private async Task<CommandOutcome> OnTicketThenConversationAsync(
        WorkOrderCommand command, string conversationStream, ConversationWorkOrderCommand step, Func<WorkOrderState, bool> isTheConversations,
        CommandContext context, CancellationToken cancellationToken)
    {
        var ticketStream = StreamIds.Ticket(command.TicketId);
        if ((await handler.CheckAsync(WorkOrderDecider.Decider, ticketStream, command, context, cancellationToken)
             ?? await handler.CheckAsync(ConversationWorkOrdersDecider.Decider, conversationStream, step, context.Step("conversation"), cancellationToken)) is { } refused)
        {
            return new CommandOutcome([], refused);
        }

        var onTicket = await handler.HandleAsync(WorkOrderDecider.Decider, ticketStream, command, context, cancellationToken);
        if (!onTicket.IsSuccess || !isTheConversations(onTicket.State))
        {
            return CommandOutcome.From(onTicket);
        }

        var recorded = await handler.HandleAsync(ConversationWorkOrdersDecider.Decider, conversationStream, step, context.Step("conversation"), cancellationToken);
        return new CommandOutcome([onTicket.Change, recorded.Change], recorded.Error);
    }
}
