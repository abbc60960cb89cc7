using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Application.CommandHandling;

/// <summary>
/// A command that touches several streams runs one sub-command per stream. Each gets a commandId derived from the
/// original one and the step, so a retry of the whole command is recognised stream by stream; all share the
/// original's correlation id and name it as their cause.
/// </summary>
public static class SubCommands
{
    public static CommandContext Step(this CommandContext context, string step) => context with
    {
        CommandId = $"{context.CommandId}/{step}",
        CorrelationId = context.CorrelationId ?? context.CommandId,
        CausationId = context.CommandId,
    };
}
