using System.Text;
using Npgsql;
using OrderLedger.Domain.Stores;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Audit;
using OrderLedger.EventStore.Postgres;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Cli.Tests;

/// <summary>
/// The tamperings of issue 19, each done as the database owner with direct SQL after the notary signed a checkpoint,
/// each caught by <c>ledger verify</c> and named at the first place affected (docs/audit.md, the tamper table). Every
/// test has a database of its own, so one test's tampering never shows in another's log.
/// </summary>
public sealed class TamperEvidenceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Nine = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly TestDatabase _database = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("notary-test-").FullName;

    private string KeyFile => Path.Combine(_dir, "notary.key");
    private string PublicKeyFile => Path.Combine(_dir, "notary.pub");
    private string ExportDir => Path.Combine(_dir, "checkpoints");

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        foreach (var id in new[] { "a", "b", "c" })
        {
            await CliHarness.AppendChainedAsync(_database, $"store-{id}", Nine, new StoreRegistered(id, "Shop", "Europe/Berlin", "EUR", Nine));
            await CliHarness.AppendChainedAsync(_database, $"store-{id}", Nine.AddHours(1),
                new StoreAutoRefundWindowSet(id, 48, Nine.AddHours(1)),
                new StoreAutoRefundWindowSet(id, 24, Nine.AddHours(2)));
        }

        var keygen = await CliHarness.Run("notary", "keygen", "--out", KeyFile);
        Assert.Equal(0, keygen.ExitCode);
        var publicKey = await CliHarness.Run("notary", "public-key", "--key", KeyFile);
        await File.WriteAllTextAsync(PublicKeyFile, publicKey.Output);
        Assert.Equal(0, (await Notarise()).ExitCode);
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private Task<CliRun> Notarise() =>
        CliHarness.Run("notary", "run", "--once", "--key", KeyFile, "--export", ExportDir, "--connection", _database.ConnectionString);

    private string NewestCheckpoint => Directory.GetFiles(ExportDir, "checkpoint-*.json").Max()!;

    private Task<CliRun> VerifyAll() => CliHarness.Run("verify", "--all", "--connection", _database.ConnectionString);

    private Task<CliRun> VerifyAgainstCheckpoint() =>
        CliHarness.Run("verify", "--all", "--checkpoint", NewestCheckpoint, "--public-key", PublicKeyFile, "--connection", _database.ConnectionString);

    private Task<int> Attack(string sql, params object[] parameters) => _database.RewriteHistoryAsync(sql, parameters);

    private async Task<Position> PositionOf(string stream, ulong revision)
    {
        await using var store = await PostgresEventStore.OpenAsync(new PostgresEventStoreOptions { ConnectionString = _database.ConnectionString });
        return (await store.ReadStreamAsync(stream, new StreamReadOptions(ReadDirection.Forwards, revision, 1)).FirstAsync()).Position;
    }

    /// <summary>What an attacker with the code and the database can do: edit events and recompute every hash after them (no secret needed).</summary>
    private async Task RechainAsync(string stream, Func<string, string> editData, Func<string, string> editMetadata)
    {
        await using var store = await PostgresEventStore.OpenAsync(new PostgresEventStoreOptions { ConnectionString = _database.ConnectionString });
        var events = await store.ReadStreamAsync(stream, StreamReadOptions.All).ToListAsync();
        var prevHash = HashChain.GenesisHash;
        foreach (var e in events)
        {
            HashChain.TryUnseal(e.Metadata, out var unsealed, out _);
            var oldPrev = EventStore.Serialization.EventCodec.DecodeMetadata(unsealed)!.PrevHash!;
            var metadata = Encoding.UTF8.GetBytes(editMetadata(Encoding.UTF8.GetString(unsealed.Span)).Replace(oldPrev, prevHash, StringComparison.Ordinal));
            var data = Encoding.UTF8.GetBytes(editData(Encoding.UTF8.GetString(e.Data.Span)));
            var hash = HashChain.ComputeHashV2(e.StreamId, e.Revision, e.EventId, e.Type, data, metadata, prevHash);
            await Attack("UPDATE eventstore.events SET data = $1, metadata = $2 WHERE stream_id = $3 AND stream_revision = $4",
                data, HashChain.Seal(metadata, hash), stream, (long)e.Revision);
            prevHash = hash;
        }
    }

    private static void AssertChainsIntact(CliRun run) =>
        Assert.Contains("intact: every hash chains to its predecessor", run.Output, StringComparison.Ordinal);

    private static void AssertCheckpointNames(CliRun run, string stream, ulong revision, Position position)
    {
        Assert.Equal(VerifyVerbExit, run.ExitCode);
        Assert.Contains("INCONSISTENT with the checkpoint", run.Output, StringComparison.Ordinal);
        Assert.Contains($"the notary signed {stream} revision {revision} (position {position})", run.Output, StringComparison.Ordinal);
    }

    private const int VerifyVerbExit = 3;

    [Fact]
    public async Task An_untouched_log_is_consistent_with_its_checkpoint()
    {
        var run = await VerifyAgainstCheckpoint();

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("consistent: the first 9 events of $all have the signed root", run.Output, StringComparison.Ordinal);
        AssertChainsIntact(run);
    }

    [Fact]
    public async Task A_truncated_stream_tail_is_caught_by_the_checkpoint_at_the_first_removed_event()
    {
        var first = await PositionOf("store-b", 1);
        await Attack("DELETE FROM eventstore.events WHERE stream_id = 'store-b' AND stream_revision >= 1");

        AssertChainsIntact(await VerifyAll());
        var run = await VerifyAgainstCheckpoint();

        AssertCheckpointNames(run, "store-b", 1, first);
        Assert.Contains("the log has only 7 of the 9 events signed", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_stream_is_caught_by_the_checkpoint_at_its_first_event()
    {
        var first = await PositionOf("store-b", 0);
        await Attack("DELETE FROM eventstore.events WHERE stream_id = 'store-b'");

        AssertChainsIntact(await VerifyAll());
        AssertCheckpointNames(await VerifyAgainstCheckpoint(), "store-b", 0, first);
    }

    [Fact]
    public async Task A_changed_value_with_the_chain_recomputed_is_caught_by_the_checkpoint()
    {
        var changed = await PositionOf("store-b", 1);
        await RechainAsync("store-b", data => data.Replace("48", "480", StringComparison.Ordinal), metadata => metadata);

        AssertChainsIntact(await VerifyAll());
        AssertCheckpointNames(await VerifyAgainstCheckpoint(), "store-b", 1, changed);
    }

    [Fact]
    public async Task An_actor_rewritten_on_every_event_and_rechained_is_caught_at_the_first_event()
    {
        var first = await PositionOf("store-a", 0);
        foreach (var stream in new[] { "store-a", "store-b", "store-c" })
        {
            await RechainAsync(stream, data => data, metadata => metadata.Replace("agent-1", "agent-9", StringComparison.Ordinal));
        }

        AssertChainsIntact(await VerifyAll());
        AssertCheckpointNames(await VerifyAgainstCheckpoint(), "store-a", 0, first);
    }

    [Fact]
    public async Task A_forged_event_with_a_valid_hash_slipped_into_notarised_history_is_caught_where_it_sits()
    {
        // The forgery chains correctly onto store-b and is given a place among events the notary has signed.
        await using var store = await PostgresEventStore.OpenAsync(new PostgresEventStoreOptions { ConnectionString = _database.ConnectionString });
        var last = await store.ReadStreamAsync("store-b", StreamReadOptions.Last(1)).FirstAsync();
        var forged = new EventStore.Serialization.EventCodec(Domain.DomainEventTypes.CreateRegistry()).Encode(
            [new StoreAutoRefundWindowSet("b", 999, Nine.AddHours(3))],
            new EventStore.Serialization.CommandContext("forged", new EventStore.Serialization.Actor(EventStore.Serialization.ActorKind.Agent, "agent-1"), Nine.AddHours(3), "s1"),
            EventStore.Serialization.ChainTip.After("store-b", last))[0];
        // In store-c's first transaction, so in $all right after store-c revision 0, where store-c revision 1 was signed.
        var host = await PositionOf("store-c", 0);
        var displaced = await PositionOf("store-c", 1);
        await Attack("""
            INSERT INTO eventstore.events (tx_id, stream_id, stream_revision, event_id, event_type, content_type, data, metadata)
            VALUES ($1, 'store-b', 3, $2, $3, 'application/json', $4, $5)
            """, (long)host.Commit, forged.EventId, forged.Type, forged.Data.ToArray(), forged.Metadata.ToArray());

        var run = await VerifyAgainstCheckpoint();

        Assert.DoesNotContain("BROKEN", run.Output, StringComparison.Ordinal);
        AssertCheckpointNames(run, "store-c", 1, displaced);
        Assert.Contains("the log has store-b revision 3", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_renamed_stream_breaks_its_v2_chain_and_the_checkpoint()
    {
        var first = await PositionOf("store-b", 0);
        await Attack("UPDATE eventstore.events SET stream_id = 'store-z' WHERE stream_id = 'store-b'");

        var chains = await VerifyAll();
        var run = await VerifyAgainstCheckpoint();

        Assert.Equal(VerifyVerbExit, chains.ExitCode);
        Assert.Contains($"BROKEN at store-z revision 0 (position {first})", chains.Output, StringComparison.Ordinal);
        Assert.Contains($"the first position affected is {first}", chains.Output, StringComparison.Ordinal);
        AssertCheckpointNames(run, "store-b", 0, first);
    }

    [Fact]
    public async Task A_changed_event_id_breaks_its_v2_chain_and_the_checkpoint()
    {
        var changed = await PositionOf("store-c", 1);
        await Attack("UPDATE eventstore.events SET event_id = gen_random_uuid() WHERE stream_id = 'store-c' AND stream_revision = 1");

        var chains = await VerifyAll();

        Assert.Equal(VerifyVerbExit, chains.ExitCode);
        Assert.Contains($"BROKEN at store-c revision 1 (position {changed})", chains.Output, StringComparison.Ordinal);
        AssertCheckpointNames(await VerifyAgainstCheckpoint(), "store-c", 1, changed);
    }

    [Fact]
    public async Task An_event_hidden_from_all_is_found_in_its_stream_and_missing_from_the_checkpoint()
    {
        var hidden = await PositionOf("store-a", 2);
        await Attack("UPDATE eventstore.events SET tx_id = -tx_id WHERE stream_id = 'store-a' AND stream_revision = 2");

        var chains = await VerifyAll();

        Assert.Equal(VerifyVerbExit, chains.ExitCode);
        Assert.Contains("checked 8 events in 3 streams", chains.Output, StringComparison.Ordinal);
        Assert.Contains("revision 2 missing from $all", chains.Output, StringComparison.Ordinal);
        AssertCheckpointNames(await VerifyAgainstCheckpoint(), "store-a", 2, hidden);
    }

    [Fact]
    public async Task Every_break_is_listed_not_only_the_first()
    {
        await Attack("UPDATE eventstore.events SET data = convert_to(replace(convert_from(data, 'UTF8'), '48', '72'), 'UTF8') WHERE stream_revision = 1");

        var run = await VerifyAll();

        Assert.Equal(VerifyVerbExit, run.ExitCode);
        foreach (var stream in new[] { "store-a", "store-b", "store-c" })
        {
            Assert.Contains($"BROKEN at {stream} revision 1", run.Output, StringComparison.Ordinal);
        }

        Assert.Contains("3 break(s)", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_checkpoint_edited_to_match_a_rewritten_log_fails_its_signature()
    {
        var checkpoint = NewestCheckpoint;
        var text = await File.ReadAllTextAsync(checkpoint);
        await File.WriteAllTextAsync(checkpoint, text.Replace("\"treeSize\": 9", "\"treeSize\": 7", StringComparison.Ordinal));

        var run = await VerifyAgainstCheckpoint();

        Assert.Equal(VerifyVerbExit, run.ExitCode);
        Assert.Contains("is not signed by key", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_inclusion_proof_verifies_offline_and_a_changed_event_or_another_key_refutes_it()
    {
        var proofFile = Path.Combine(_dir, "proof.json");
        var proof = await CliHarness.Run("proof", "store-b", "1", "--out", proofFile, "--connection", _database.ConnectionString);
        var otherKey = Path.Combine(_dir, "other.key");
        await CliHarness.Run("notary", "keygen", "--out", otherKey);
        var otherPublic = Path.Combine(_dir, "other.pub");
        await File.WriteAllTextAsync(otherPublic, (await CliHarness.Run("notary", "public-key", "--key", otherKey)).Output);

        var verified = await CliHarness.Run("verify-proof", proofFile, "--public-key", PublicKeyFile);
        var wrongKey = await CliHarness.Run("verify-proof", proofFile, "--public-key", otherPublic);
        var document = await File.ReadAllTextAsync(proofFile);
        var data = System.Text.Json.JsonDocument.Parse(document).RootElement.GetProperty("event").GetProperty("data").GetString()!;
        var edited = Convert.ToBase64String(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Convert.FromBase64String(data)).Replace("48", "480", StringComparison.Ordinal)));
        await File.WriteAllTextAsync(proofFile, document.Replace(data, edited, StringComparison.Ordinal));
        var changed = await CliHarness.Run("verify-proof", proofFile, "--public-key", PublicKeyFile);

        Assert.Equal(0, proof.ExitCode);
        Assert.Equal(0, verified.ExitCode);
        Assert.Contains("verified: store-b revision 1 is leaf 4 of the tree of 9", verified.Output, StringComparison.Ordinal);
        Assert.Equal(ProofVerbExit, wrongKey.ExitCode);
        Assert.Contains("is not signed by key", wrongKey.Output, StringComparison.Ordinal);
        Assert.Equal(ProofVerbExit, changed.ExitCode);
        Assert.Contains("REFUTED: the event store-b@1 is not leaf 4", changed.Output, StringComparison.Ordinal);
    }

    private const int ProofVerbExit = 3;

    [Fact]
    public async Task A_restarted_notary_extends_its_tree_from_the_saved_frontier_and_exports_every_checkpoint()
    {
        await CliHarness.AppendChainedAsync(_database, "store-d", Nine, new StoreRegistered("d", "Shop", "Europe/Berlin", "EUR", Nine));

        var second = await Notarise();
        var third = await Notarise();

        Assert.Contains("checkpoint: tree size 10", second.Output, StringComparison.Ordinal);
        Assert.Contains("(1 events read now)", second.Output, StringComparison.Ordinal);
        Assert.Contains("(0 events read now)", third.Output, StringComparison.Ordinal);
        Assert.Equal(["checkpoint-000000000009.json", "checkpoint-000000000010.json"], Directory.GetFiles(ExportDir).Select(Path.GetFileName).Order());
        Assert.Equal(0, (await VerifyAgainstCheckpoint()).ExitCode);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
        }
    }

    [Fact]
    public async Task A_key_readable_by_others_is_refused()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.SetUnixFileMode(KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var run = await Notarise();

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("must be mode 0600", run.Error, StringComparison.Ordinal);
    }
}
