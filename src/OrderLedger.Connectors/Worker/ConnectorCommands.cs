using OrderLedger.Application;
using OrderLedger.Application.CommandHandling;
using OrderLedger.Domain;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Connectors.Worker;

/// <summary>
/// Sends a connector's commands through <see cref="CommandService"/> and keeps a line per command for the handled
/// record: <c>{commandId} recorded|already done|refused: {rule}</c>. A refusal is an outcome (the platform's fact does
/// not fit the ledger's state: it is recorded and not retried); a concurrency conflict is transient. A command first
/// gets the host's look-ups (<see cref="ICommandEnrichment"/>, the API's <c>CommandEnrichment</c>), as one sent to the API does.
/// </summary>
public sealed class ConnectorCommands(CommandService commands, ICommandEnrichment? enrichment = null)
{
    public CommandService Service => commands;

    public async Task<CommandOutcome> RunAsync(IDomainCommand command, string commandId, Actor actor, string storeId, DateTimeOffset occurredAt, List<string> log, CancellationToken cancellationToken)
    {
        if (enrichment is not null)
        {
            command = (IDomainCommand)await enrichment.EnrichAsync(command, cancellationToken);
        }

        var outcome = await commands.ExecuteAsync(command, new CommandContext(commandId, actor, occurredAt, storeId), cancellationToken);
        if (outcome.Error is { Rule: CommandHandler.ConflictRule })
        {
            throw new TransientConnectorException($"{commandId}: the stream kept changing.");
        }

        log.Add(outcome.Error is { } refused ? $"{commandId} refused: {refused.Rule}" : outcome.AlreadyProcessed ? $"{commandId} already done" : $"{commandId} recorded");
        return outcome;
    }
}
