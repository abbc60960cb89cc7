namespace OrderLedger.EventStore;

/// <summary>What the writer believes about the stream before its append.</summary>
public readonly record struct ExpectedRevision
{
    private ExpectedRevision(ExpectedRevisionKind kind, ulong revision)
    {
        Kind = kind;
        Revision = revision;
    }

    public ExpectedRevisionKind Kind { get; }

    /// <summary>The last revision the writer saw; meaningful only for <see cref="ExpectedRevisionKind.Exact"/>.</summary>
    public ulong Revision { get; }

    public static ExpectedRevision Any { get; } = new(ExpectedRevisionKind.Any, 0);
    public static ExpectedRevision NoStream { get; } = new(ExpectedRevisionKind.NoStream, 0);
    public static ExpectedRevision StreamExists { get; } = new(ExpectedRevisionKind.StreamExists, 0);
    public static ExpectedRevision Exact(ulong revision) => new(ExpectedRevisionKind.Exact, revision);

    /// <summary>The revision to expect after reading a stream whose last revision is <paramref name="lastRevision"/> (null when empty).</summary>
    public static ExpectedRevision After(ulong? lastRevision) => lastRevision is { } last ? Exact(last) : NoStream;

    /// <summary>Whether this expectation holds for a stream whose last revision is <paramref name="lastRevision"/> (null: no stream).</summary>
    public bool HoldsFor(ulong? lastRevision) => Kind switch
    {
        ExpectedRevisionKind.Any => true,
        ExpectedRevisionKind.NoStream => lastRevision is null,
        ExpectedRevisionKind.StreamExists => lastRevision is not null,
        _ => lastRevision == Revision,
    };

    public override string ToString() => Kind == ExpectedRevisionKind.Exact ? Revision.ToString() : Kind.ToString();
}

public enum ExpectedRevisionKind
{
    Any,
    NoStream,
    StreamExists,
    Exact,
}
