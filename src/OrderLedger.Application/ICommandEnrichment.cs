namespace OrderLedger.Application;

/// <summary>
/// Fills a command's <see cref="Domain.LookedUpAttribute"/> fields from read models and other streams before it is sent,
/// so the decider gets every outside fact it needs and stays pure. The API's command pipeline and the channel
/// connectors (<c>ConnectorCommands</c>) both run every command through it, so a command gets the same look-ups
/// whichever way it arrives.
/// </summary>
public interface ICommandEnrichment
{
    Task<object> EnrichAsync(object command, CancellationToken cancellationToken);
}
