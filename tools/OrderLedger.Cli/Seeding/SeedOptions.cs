namespace OrderLedger.Cli.Seeding;

/// <summary>What <c>ledger seed</c> generates. The same options (including <see cref="Start"/>) give the same events.</summary>
/// <param name="Start">First day of the window (UTC midnight); by default the window ends today.</param>
public sealed record SeedOptions(int Stores, int Customers, int Orders, int Days, int Seed, DateTimeOffset Start)
{
    public DateTimeOffset End => Start.AddDays(Days);

    /// <summary>Prefix of every id the run makes (store <c>sd42s1</c>, order <c>sd42s1-o000017</c>), so runs with other seeds do not collide.</summary>
    public string Prefix => $"sd{Seed}";

}

/// <summary>Figures of a finished run.</summary>
public sealed record SeedSummary(
    int Stores,
    int OrdersPlaced,
    int OrdersRejected,
    long Commands,
    long Events,
    IReadOnlyDictionary<string, int> Refusals,
    TimeSpan Elapsed)
{
    public double EventsPerSecond => Elapsed.TotalSeconds > 0 ? Events / Elapsed.TotalSeconds : 0;
}
