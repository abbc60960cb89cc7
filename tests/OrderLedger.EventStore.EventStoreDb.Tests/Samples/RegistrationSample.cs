using Microsoft.Extensions.DependencyInjection;

namespace OrderLedger.EventStore.EventStoreDb.Tests.Samples;

/// <summary>docs/eventstoredb.md "Using it" shows the region below; this test runs it.</summary>
public sealed class RegistrationSample
{
    [Fact]
    public void The_documented_registration_gives_one_EventStoreDB_store_with_the_node_named()
    {
        var services = new ServiceCollection();

        #region sample: register
        services.AddEventStoreDbEventStore("esdb://localhost:2113?tls=false", o => o.RetryAttempts = 8);   // the options are optional
        #endregion

        using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IEventStore>();
        Assert.Same(provider.GetRequiredService<EventStoreDbEventStore>(), store);
        Assert.Equal(2113, provider.GetRequiredService<EventStoreDbConnectionString>().Hosts.Single().Port);
    }

    [Fact]
    public void A_bad_connection_string_fails_at_registration_naming_the_bad_part()
    {
        var error = Assert.Throws<FormatException>(() => new ServiceCollection().AddEventStoreDbEventStore("esdb://localhost:notaport"));

        Assert.Contains("notaport", error.Message, StringComparison.Ordinal);
    }
}
