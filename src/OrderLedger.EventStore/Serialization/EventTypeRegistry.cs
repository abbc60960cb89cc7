using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace OrderLedger.EventStore.Serialization;

/// <summary>
/// Stable event type names (the public contract) mapped to CLR records and their source-generated JSON
/// contracts. A breaking change to an event gets a new type name; the old name is kept with an upcaster
/// that turns old payloads into the new record.
/// </summary>
public sealed class EventTypeRegistry
{
    private readonly Dictionary<string, Func<ReadOnlyMemory<byte>, object>> _readers = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, (string Name, Func<object, byte[]> Write)> _writers = [];

    public EventTypeRegistry Register<T>(string typeName, JsonTypeInfo<T> jsonTypeInfo)
        where T : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(typeName);
        if (typeName.StartsWith('$'))
        {
            throw new ArgumentException($"Type names starting with '$' are reserved for system events: '{typeName}'.", nameof(typeName));
        }

        AddReader(typeName, data => JsonSerializer.Deserialize(data.Span, jsonTypeInfo)
            ?? throw new JsonException($"Event of type '{typeName}' has a null payload."));
        if (!_writers.TryAdd(typeof(T), (typeName, value => JsonSerializer.SerializeToUtf8Bytes((T)value, jsonTypeInfo))))
        {
            throw new InvalidOperationException($"{typeof(T).Name} is already registered as '{_writers[typeof(T)].Name}'.");
        }

        return this;
    }

    /// <summary>Reads events stored under a retired type name as the current record.</summary>
    public EventTypeRegistry RegisterUpcaster<TOld, TNew>(string oldTypeName, JsonTypeInfo<TOld> oldJsonTypeInfo, Func<TOld, TNew> upcast)
        where TOld : class
        where TNew : class
    {
        AddReader(oldTypeName, data => upcast(JsonSerializer.Deserialize(data.Span, oldJsonTypeInfo)
            ?? throw new JsonException($"Event of type '{oldTypeName}' has a null payload.")));
        return this;
    }

    public bool IsKnown(string typeName) => _readers.ContainsKey(typeName);

    public IReadOnlyCollection<string> TypeNames => _readers.Keys;

    /// <summary>The records registered under their current names (a name kept only for an upcaster has no record of its own).</summary>
    public IReadOnlyCollection<Type> RecordTypes => _writers.Keys;

    /// <summary>
    /// The current names of the registered records assignable to any of <paramref name="types"/>: a record stands for
    /// itself, an abstract base record for every registered record derived from it. Projections declare the events they
    /// handle this way, so the names come from the registry rather than copied literals.
    /// </summary>
    /// <exception cref="InvalidOperationException">A type that no registered record is assignable to.</exception>
    public IReadOnlySet<string> NamesOf(params Type[] types)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in types)
        {
            var matched = _writers.Where(w => type.IsAssignableFrom(w.Key)).Select(w => w.Value.Name).ToList();
            if (matched.Count == 0)
            {
                throw new InvalidOperationException($"No registered event type is a {type.Name}.");
            }

            names.UnionWith(matched);
        }

        return names;
    }

    public string TypeNameOf(Type clrType) =>
        _writers.TryGetValue(clrType, out var writer)
            ? writer.Name
            : throw new InvalidOperationException($"{clrType.Name} is not a registered event type.");

    public (string TypeName, byte[] Data) Serialize(object domainEvent)
    {
        if (!_writers.TryGetValue(domainEvent.GetType(), out var writer))
        {
            throw new InvalidOperationException($"{domainEvent.GetType().Name} is not a registered event type.");
        }

        return (writer.Name, writer.Write(domainEvent));
    }

    /// <summary>The event as its CLR record, or <see cref="UnknownEvent"/> for a type this build does not know.</summary>
    public object Deserialize(string typeName, ReadOnlyMemory<byte> data) =>
        _readers.TryGetValue(typeName, out var read) ? read(data) : new UnknownEvent(typeName, data);

    private void AddReader(string typeName, Func<ReadOnlyMemory<byte>, object> reader)
    {
        if (!_readers.TryAdd(typeName, reader))
        {
            throw new InvalidOperationException($"Event type name '{typeName}' is already registered.");
        }
    }
}

/// <summary>An event whose type name this build does not know; kept as raw bytes, never a crash.</summary>
public sealed record UnknownEvent(string TypeName, ReadOnlyMemory<byte> Data);
