using Microsoft.Extensions.Logging;
using OrderLedger.EventStore;

namespace OrderLedger.Projections.Runtime;

/// <summary>The runtime's informational log lines (source-generated: nothing is formatted when the level is off).</summary>
internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Projection {Name} g{Generation} ({Role}) starts after {Checkpoint} (empty: the start).")]
    public static partial void Starting(ILogger logger, string name, int generation, string role, Position? checkpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Projection {Name} g{Generation} caught up at {Checkpoint}.")]
    public static partial void CaughtUp(ILogger logger, string name, int generation, Position? checkpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Projection {Name}: this instance ({Instance}) is active.")]
    public static partial void Active(ILogger logger, string name, string instance);

    [LoggerMessage(Level = LogLevel.Information, Message = "Projection {Name}: another instance is active; standing by.")]
    public static partial void StandingBy(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Projection {Name}: abandoning build g{Generation} of version {Version}.")]
    public static partial void Abandoning(ILogger logger, string name, int generation, int version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Projection {Name}: version {Old} -> {New}; building g{Generation} blue/green.")]
    public static partial void VersionChanged(ILogger logger, string name, int old, int @new, int? generation);

    [LoggerMessage(Level = LogLevel.Information, Message = "Projection {Name}: dropped retired build g{Generation} ({Schema}).")]
    public static partial void Dropped(ILogger logger, string name, int generation, string schema);

    [LoggerMessage(Level = LogLevel.Information, Message = "Projection {Name}: readers switched to g{Generation} (version {Version}) at {Checkpoint}.")]
    public static partial void Switched(ILogger logger, string name, int generation, int version, Position? checkpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Projection {Name} g{Generation} parked event {Type} at {Position} in {Stream} and goes on.")]
    public static partial void Parked(ILogger logger, Exception exception, string name, int generation, string type, Position position, string stream);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Projection {Name}: could not write to the registry.")]
    public static partial void RegistryWriteFailed(ILogger logger, Exception exception, string name);
}
