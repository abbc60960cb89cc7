using Dapper;
using OrderLedger.EventStore;
using OrderLedger.Projections.Tests.Support;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Projections.Tests.Samples;

public sealed class DepositTotalsProjectionTests
{
    [Fact]
    public async Task The_documentation_sample_works()
    {
        await using var fresh = await Fresh.CreateAsync();
        await fresh.Store.AppendAsync("acct-1", ExpectedRevision.NoStream, [TestEvents.Deposit(10), TestEvents.Withdraw(3), TestEvents.Deposit(5)]);
        await fresh.Store.AppendAsync("acct-2", ExpectedRevision.NoStream, [TestEvents.Deposit(1)]);
        await using var projector = await InProcessProjector.StartAsync(fresh.ConnectionString, [new DepositTotalsProjection()]);

        await projector.Admin.CaughtUpAsync("deposit_totals");

        await using var connection = await fresh.Db.OpenConnectionAsync();
        var rows = (await connection.QueryAsync<(string Stream, long Total, int Deposits)>("SELECT stream_id, total, deposits FROM rm.deposit_totals ORDER BY stream_id")).ToList();
        Assert.Equal([("acct-1", 15L, 2), ("acct-2", 1L, 1)], rows);
    }
}
