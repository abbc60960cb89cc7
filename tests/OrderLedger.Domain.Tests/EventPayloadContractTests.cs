using System.Text;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Testing;

namespace OrderLedger.Domain.Tests;

/// <summary>
/// Stored events are hashed byte for byte, so an event's JSON is a contract: <c>Expected/event-payloads.txt</c> holds one
/// sample payload of every registered event type (type name, a space, the payload), captured from the build before a
/// change to the event records. A change that reorders, renames, adds or drops a property fails here.
/// </summary>
public sealed class EventPayloadContractTests
{
    private static readonly EventTypeRegistry Registry = DomainEventTypes.CreateRegistry();

    private static string[] Expected() => File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Expected", "event-payloads.txt"), Encoding.UTF8);

    [Fact]
    public void Every_event_type_encodes_byte_for_byte_as_the_recorded_payloads()
    {
        var actual = EventSamples.Of(Registry).Select(sample => $"{sample.TypeName} {Encoding.UTF8.GetString(Registry.Serialize(sample.Event).Data)}");

        Assert.Equal(Expected(), actual);
    }

    [Fact]
    public void Every_recorded_payload_decodes_and_encodes_again_to_the_same_bytes()
    {
        Assert.All(Expected(), line =>
        {
            var (typeName, payload) = (line[..line.IndexOf(' ', StringComparison.Ordinal)], Encoding.UTF8.GetBytes(line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..]));

            var decoded = Registry.Deserialize(typeName, payload);

            Assert.IsNotType<UnknownEvent>(decoded);
            Assert.Equal(payload, Registry.Serialize(decoded).Data);
        });
    }
}
