using System.Collections;
using System.Reflection;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Testing;

/// <summary>
/// One sample of every record a registry knows, built from its constructor: every parameter gets a value derived from
/// its name and type (no nulls, so no property is left out of the JSON), the same on every run. Contract snapshots of
/// the payloads and checks over all event types use it, so a new event type is covered without writing a sample.
/// </summary>
public static class EventSamples
{
    private static readonly DateTimeOffset SampleTime = new(2026, 11, 11, 10, 0, 0, TimeSpan.FromHours(8));

    /// <summary>Each registered record's current type name and a sample of it, ordered by name.</summary>
    public static IReadOnlyList<(string TypeName, object Event)> Of(EventTypeRegistry registry) =>
        [.. registry.RecordTypes
            .Select(type => (registry.TypeNameOf(type), Build(type, type.Name)))
            .OrderBy(sample => sample.Item1, StringComparer.Ordinal)];

    private static object Build(Type type, string name)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying switch
        {
            _ when underlying == typeof(string) => $"{name}-1",
            _ when underlying == typeof(int) => name.Length,
            _ when underlying == typeof(long) => name.Length * 1_000L,
            _ when underlying == typeof(decimal) => name.Length + 0.25m,
            _ when underlying == typeof(double) => name.Length + 0.5,
            _ when underlying == typeof(bool) => true,
            _ when underlying == typeof(DateTimeOffset) => SampleTime.AddMinutes(name.Length),
            _ when underlying == typeof(TimeOnly) => new TimeOnly(8, name.Length % 60),
            { IsEnum: true } => Enum.GetValues(underlying).GetValue(Enum.GetValues(underlying).Length - 1)!,
            _ when ElementOf(underlying) is { } element => ListOf(element, name),
            _ => Construct(underlying),
        };
    }

    private static Type? ElementOf(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && type.GetGenericArguments() is [var element] && typeof(IEnumerable).IsAssignableFrom(type) ? element
        : null;

    private static Array ListOf(Type element, string name)
    {
        var list = Array.CreateInstance(element, 2);
        list.SetValue(Build(element, name + "A"), 0);
        list.SetValue(Build(element, name + "B"), 1);
        return list;
    }

    private static object Construct(Type type)
    {
        var constructor = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance).MaxBy(c => c.GetParameters().Length)
            ?? throw new InvalidOperationException($"{type.Name} has no public constructor to build a sample with.");
        return constructor.Invoke([.. constructor.GetParameters().Select(p => Build(p.ParameterType, p.Name!))]);
    }
}
