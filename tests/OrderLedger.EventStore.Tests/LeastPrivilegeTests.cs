using Npgsql;
using OrderLedger.EventStore.Postgres;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.EventStore.Tests;

/// <summary>
/// Issue 13 item 9 (docs/security.md, "Database roles"): the application's role reads and appends to the log and can
/// do nothing else to it; the owner runs the migrations, and even the owner cannot rewrite history while the
/// maintenance setting is off.
/// </summary>
public sealed class LeastPrivilegeTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private const string StreamId = "order-least-privilege";

    public async Task InitializeAsync()
    {
        await using var store = await OpenAsApp();
        await store.AppendAsync(StreamId, ExpectedRevision.Any, [new EventData(Guid.NewGuid(), "thing-happened", "{}"u8.ToArray(), "{}"u8.ToArray())]);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<PostgresEventStore> OpenAsApp() =>
        PostgresEventStore.OpenAsync(new PostgresEventStoreOptions { ConnectionString = database.AppConnectionString, OwnerConnectionString = database.ConnectionString });

    [Fact]
    public async Task The_app_role_appends_and_reads_through_the_store()
    {
        await using var store = await OpenAsApp();

        var appended = await store.AppendAsync(StreamId, ExpectedRevision.StreamExists, [new EventData(Guid.NewGuid(), "thing-happened", "{}"u8.ToArray(), "{}"u8.ToArray())]);

        Assert.True(appended.NextExpectedRevision >= 1);
        Assert.NotEmpty(await store.ReadStreamAsync(StreamId, StreamReadOptions.All).ToListAsync());
    }

    [Fact]
    public async Task The_app_role_is_no_superuser_and_owns_nothing_of_the_log()
    {
        Assert.False(await ScalarAsync<bool>(database.AppConnectionString, "SELECT rolsuper OR rolcreaterole OR rolcreatedb FROM pg_roles WHERE rolname = current_user"));
        Assert.False(await ScalarAsync<bool>(database.AppConnectionString, "SELECT pg_has_role(current_user, (SELECT tableowner FROM pg_tables WHERE schemaname = 'eventstore' AND tablename = 'events'), 'USAGE')"));
    }

    [Theory]
    [InlineData("UPDATE eventstore.events SET event_type = 'forged'")]
    [InlineData("DELETE FROM eventstore.events")]
    [InlineData("TRUNCATE eventstore.events")]
    [InlineData("DROP TABLE eventstore.events")]
    [InlineData("ALTER TABLE eventstore.events DISABLE TRIGGER events_append_only")]
    public async Task The_app_role_cannot_rewrite_or_drop_the_log(string sql)
    {
        var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(database.AppConnectionString, sql));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        Assert.DoesNotContain("append-only", refused.MessageText, StringComparison.Ordinal);
        Assert.True(await CountAsync() > 0);
    }

    [Theory]
    [InlineData("UPDATE eventstore.events SET event_type = 'forged'")]
    [InlineData("DELETE FROM eventstore.events")]
    [InlineData("TRUNCATE eventstore.events")]
    public async Task Even_the_owner_is_refused_by_the_trigger_while_maintenance_is_off(string sql)
    {
        var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(database.ConnectionString, sql));

        Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
        Assert.True(await CountAsync() > 0);
    }

    [Fact]
    public async Task The_maintenance_setting_lets_the_owner_change_history_for_one_transaction_only()
    {
        await using var store = await OpenAsApp();
        var stream = "order-maintenance";
        await store.AppendAsync(stream, ExpectedRevision.NoStream, [new EventData(Guid.NewGuid(), "thing-happened", "{}"u8.ToArray(), "{}"u8.ToArray())]);

        Assert.Equal(1, await database.RewriteHistoryAsync("DELETE FROM eventstore.events WHERE stream_id = $1", stream));
        await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(database.ConnectionString, "DELETE FROM eventstore.events"));
    }

    [Fact]
    public async Task The_maintenance_setting_does_not_lift_the_app_roles_privileges()
    {
        var refused = await Assert.ThrowsAsync<PostgresException>(() =>
            ExecuteAsync(database.AppConnectionString, "SET orderledger.maintenance = 'on'; DELETE FROM eventstore.events"));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }

    private async Task<long> CountAsync() => await ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM eventstore.events");

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
