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
        var ticketStream = StreamIds.Ticket(command.TicketId);
        if ((await handler.CheckAsync(WorkOrderDecider.Decider, ticketStream, opening, context, cancellationToken)
             ?? await handler.CheckAsync(ConversationWorkOrdersDecider.Decider, conversationStream, step, context.Step("conversation"), cancellationToken)) is { } refused)
        {
            return new CommandOutcome([], refused);
        }

        var opened = await handler.HandleAsync(WorkOrderDecider.Decider, ticketStream, opening, context, cancellationToken);
        if (!opened.IsSuccess || opened.State.ConversationId != command.ConversationId)
        {
            return CommandOutcome.From(opened);
        }

        var recorded = await handler.HandleAsync(ConversationWorkOrdersDecider.Decider, conversationStream, step, context.Step("conversation"), cancellationToken);
        return new CommandOutcome([opened.Change, recorded.Change], recorded.Error);
    }

    public async Task<CommandOutcome> CloseAsync(CloseWorkOrder command, CommandContext context, CancellationToken cancellationToken = default)
    {
        var ticketStream = StreamIds.Ticket(command.TicketId);
        var ticket = (await handler.LoadAsync(WorkOrderDecider.Decider, ticketStream, cancellationToken: cancellationToken)).State;
        if (ticket.Status is not (WorkOrderStatus.Resolved or WorkOrderStatus.Closed) || ticket.Resolution is null)
        {
            return CommandOutcome.From(await handler.HandleAsync(WorkOrderDecider.Decider, ticketStream, command, context, cancellationToken));
        }

        var conversationStream = StreamIds.Conversation(ticket.ConversationId);
        var step = new RecordWorkOrderClosed(ticket.ConversationId, ticket.TicketId, ticket.Department, ticket.Resolution, command.OccurredAt);
        if ((await handler.CheckAsync(WorkOrderDecider.Decider, ticketStream, command, context, cancellationToken)
             ?? await handler.CheckAsync(ConversationWorkOrdersDecider.Decider, conversationStream, step, context.Step("conversation"), cancellationToken)) is { } refused)
        {
            return new CommandOutcome([], refused);
        }

        var closed = await handler.HandleAsync(WorkOrderDecider.Decider, ticketStream, command, context, cancellationToken);
        if (!closed.IsSuccess)
        {
            return CommandOutcome.From(closed);
        }

        var recorded = await handler.HandleAsync(ConversationWorkOrdersDecider.Decider, conversationStream, step, context.Step("conversation"), cancellationToken);
        return new CommandOutcome([closed.Change, recorded.Change], recorded.Error);
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
}
