using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrderLedger.Hosting;
using OrderLedger.EventStore;
using OrderLedger.EventStore.EventStoreDb;
using OrderLedger.EventStore.GroupCommit;
using OrderLedger.EventStore.Postgres;
using Xunit;

namespace OrderLedger.Api.Tests;

public sealed class EventStoreConfigurationTests
{
    private static ServiceProvider Build(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        return new ServiceCollection().AddOrderLedgerEventStore(configuration).BuildServiceProvider();
    }

    [Fact]
    public async Task The_embedded_postgres_store_is_the_default()
    {
        await using var services = Build(("ConnectionStrings:Postgres", "Host=127.0.0.1;Port=1;Username=x;Database=x"));

        Assert.IsType<GroupCommitEventStore>(services.GetRequiredService<IEventStore>());
    }

    [Fact]
    public async Task Group_commit_can_be_turned_off_for_the_embedded_store()
    {
        await using var services = Build(("ConnectionStrings:Postgres", "Host=127.0.0.1;Port=1;Username=x;Database=x"), ("EventStore:GroupCommit:Enabled", "false"));

        Assert.IsType<PostgresEventStore>(services.GetRequiredService<IEventStore>());
    }

    [Fact]
    public async Task Eventstoredb_is_chosen_by_configuration()
    {
        await using var services = Build(("EventStore:Provider", "eventstoredb"), ("ConnectionStrings:EventStoreDb", "esdb://localhost:2113?tls=false"));

        Assert.IsType<EventStoreDbEventStore>(services.GetRequiredService<IEventStore>());
    }

    [Theory]
    [InlineData("EventStore:Provider", "kafka", "kafka")]
    [InlineData("EventStore:Provider", "eventstoredb", "ConnectionStrings:EventStoreDb")]
    [InlineData("EventStore:Provider", "postgres", "ConnectionStrings:Postgres")]
    public void Missing_or_unknown_settings_fail_at_start_with_the_setting_named(string key, string value, string named)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build((key, value)));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("EventStore:GroupCommit:Enabled", "sometimes")]
    [InlineData("EventStore:GroupCommit:Writers", "0")]
    [InlineData("EventStore:GroupCommit:MaxAppendsPerGroup", "5000")]
    public void Invalid_group_commit_settings_fail_at_start_with_the_setting_named(string key, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build((key, value), ("ConnectionStrings:Postgres", "Host=127.0.0.1;Port=1;Username=x;Database=x")));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }
}
