using OrderLedger.EventStore;
using OrderLedger.Projections.Runtime;
using OrderLedger.Projections.Tests.Support;
using Xunit;

namespace OrderLedger.Projections.Tests;

/// <summary>
/// The failure policy <c>park</c> (the default): no single event stops a projection. The event goes to
/// <c>parked_events</c> with its error, in the transaction that moves the checkpoint past it; the status names it;
/// <c>retry</c> applies it again with the current code.
/// </summary>
public class ParkingTests
{
    [Fact]
    public async Task A_handler_error_parks_the_event_and_the_projection_goes_on_past_it()
    {
        await using var fresh = await Fresh.CreateAsync();
        await TestEvents.AppendAsync(fresh.Store, total: 1_000, perAppend: 100, streams: 5);
        await fresh.Store.AppendAsync("acct-poison", ExpectedRevision.NoStream, [TestEvents.Deposit(5), TestEvents.Deposit(-666), TestEvents.Deposit(5)]);
        await TestEvents.AppendAsync(fresh.Store, total: 500, perAppend: 100, streams: 5, seed: 2, prefix: "after");
        var poisonPosition = await RuntimeTests.PositionOfAsync(fresh.Db, "acct-poison", 1);

        await using var projector = await InProcessProjector.StartAsync(fresh.ConnectionString, [new LedgerProjection("fragile") { RejectedAmount = -666 }]);
        var status = await projector.Admin.CaughtUpAsync("fragile");

        Assert.Null(status.LastError);
        Assert.Equal(1, status.Parked);
        var parked = status.LastParked!;
        Assert.Equal((poisonPosition, "acct-poison", 1ul, TestEvents.DepositedType), (parked.Position, parked.StreamId, parked.Revision, parked.EventType));
        Assert.Contains("23514", parked.Error, StringComparison.Ordinal); // check_violation
        Assert.Equal(2, await Ledger.ScalarAsync<long>(fresh.Db, "SELECT events FROM rm.fragile_accounts WHERE stream_id = 'acct-poison'"));
        Assert.Equal(
            await Ledger.ScalarAsync<long>(fresh.Db, $"SELECT count(*) FROM eventstore.events WHERE stream_id LIKE 'after-%' AND event_type IN ('{TestEvents.DepositedType}', '{TestEvents.WithdrawnType}')"),
            await Ledger.ScalarAsync<long>(fresh.Db, "SELECT count(*) FROM rm.fragile_entries WHERE stream_id LIKE 'after-%'"));
    }

    [Fact]
    public async Task An_undecodable_event_is_parked_too()
    {
        await using var fresh = await Fresh.CreateAsync();
        await fresh.Store.AppendAsync("acct-1", ExpectedRevision.NoStream, [TestEvents.Deposit(5)]);
        await fresh.Store.AppendAsync("acct-2", ExpectedRevision.NoStream, [new EventData(Guid.NewGuid(), TestEvents.DepositedType, "not json"u8.ToArray(), "{}"u8.ToArray())]);
        await fresh.Store.AppendAsync("acct-3", ExpectedRevision.NoStream, [TestEvents.Deposit(7)]);

        await using var projector = await InProcessProjector.StartAsync(fresh.ConnectionString, [new LedgerProjection()]);
        var status = await projector.Admin.CaughtUpAsync();

        Assert.Equal(("acct-2", 1L), (status.LastParked?.StreamId, status.Parked));
        Assert.Equal(12, await Ledger.ScalarAsync<long>(fresh.Db, "SELECT sum(balance)::bigint FROM rm.ledger_accounts"));
    }

    [Fact]
    public async Task Retry_applies_parked_events_with_the_current_code_and_keeps_those_that_fail_again()
    {
        await using var fresh = await Fresh.CreateAsync();
        await fresh.Store.AppendAsync("acct-poison", ExpectedRevision.NoStream, [TestEvents.Deposit(5), TestEvents.Deposit(-666), TestEvents.Deposit(5)]);
        await using var projector = await InProcessProjector.StartAsync(fresh.ConnectionString, [new LedgerProjection("fragile") { RejectedAmount = -666 }]);
        await projector.Admin.CaughtUpAsync("fragile");

        var stillBad = await projector.Admin.RetryParkedAsync("fragile");

        Assert.Equal((1, 0), (stillBad.Retried, stillBad.Applied));
        Assert.Equal(2, Assert.Single(stillBad.StillParked).Attempts);

        // The repair (here: the constraint that refused the event is dropped), then the retry applies it exactly once.
        await using (var repair = fresh.Db.CreateCommand($"ALTER TABLE {ProjectionCatalog.SchemaFor("fragile", 1)}.fragile_entries DROP CONSTRAINT fragile_entries_amount_check"))
        {
            await repair.ExecuteNonQueryAsync();
        }

        var repaired = await projector.Admin.RetryParkedAsync("fragile");
        var again = await projector.Admin.RetryParkedAsync("fragile");

        Assert.Equal((1, 1), (repaired.Retried, repaired.Applied));
        Assert.Empty(repaired.StillParked);
        Assert.Equal((0, 0), (again.Retried, again.Applied));
        Assert.Equal(0, (await projector.Admin.StatusAsync("fragile")).Parked);
        Assert.Equal((3L, -656L), (
            await Ledger.ScalarAsync<long>(fresh.Db, "SELECT events FROM rm.fragile_accounts WHERE stream_id = 'acct-poison'"),
            await Ledger.ScalarAsync<long>(fresh.Db, "SELECT balance FROM rm.fragile_accounts WHERE stream_id = 'acct-poison'")));
    }
}
