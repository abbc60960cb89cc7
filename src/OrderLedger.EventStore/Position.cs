namespace OrderLedger.EventStore;

/// <summary>
/// A place in the global log ($all), ordered by <see cref="Commit"/> then <see cref="Prepare"/>.
/// EventStoreDB positions are (commit, prepare) pairs of the transaction file; the PostgreSQL store
/// uses (transaction id, sequence number), which orders events the same way for every reader
/// whatever order their transactions commit in (see docs/architecture.md).
/// </summary>
public readonly record struct Position(ulong Commit, ulong Prepare) : IComparable<Position>
{
    public static Position Start { get; } = new(0, 0);

    public int CompareTo(Position other)
    {
        var byCommit = Commit.CompareTo(other.Commit);
        return byCommit != 0 ? byCommit : Prepare.CompareTo(other.Prepare);
    }

    public static bool operator <(Position left, Position right) => left.CompareTo(right) < 0;
    public static bool operator >(Position left, Position right) => left.CompareTo(right) > 0;
    public static bool operator <=(Position left, Position right) => left.CompareTo(right) <= 0;
    public static bool operator >=(Position left, Position right) => left.CompareTo(right) >= 0;

    public static Position Max(Position a, Position b) => a >= b ? a : b;

    public override string ToString() => $"{Commit}/{Prepare}";

    /// <summary>Parses the "commit/prepare" form produced by <see cref="ToString"/>.</summary>
    public static bool TryParse(string? text, out Position position)
    {
        position = Start;
        var parts = text?.Split('/');
        if (parts is not { Length: 2 }
            || !ulong.TryParse(parts[0], out var commit)
            || !ulong.TryParse(parts[1], out var prepare))
        {
            return false;
        }

        position = new Position(commit, prepare);
        return true;
    }
}
