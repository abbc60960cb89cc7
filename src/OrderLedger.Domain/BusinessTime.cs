namespace OrderLedger.Domain;

/// <summary>
/// The limits on a command's business time (<see cref="IDomainCommand.OccurredAt"/>), which the client chooses and
/// every figure is computed from. A fact cannot be dated later than the server's clock plus a small skew (a client
/// cannot time out a payment in 2031, or date a reply ahead), nor earlier than the last fact of a stream that keeps time
/// order (a reply cannot be dated before the message it answers). Imports of history replay each stream in order, so
/// they may date facts far in the past and obey both rules as well.
/// </summary>
public static class BusinessTime
{
    public const string InTheFutureRule = "occurred-at.in-the-future";

    public const string BeforeLastEventRule = "occurred-at.before-last-event";

    /// <summary>The request field both rules are about, for the error answer.</summary>
    public const string Field = "occurredAt";

    /// <param name="lastEventAt">The business time of the stream's last event; null for a new stream or one that does not keep time order.</param>
    public static DomainError? Check(DateTimeOffset occurredAt, DateTimeOffset now, TimeSpan maxFutureSkew, DateTimeOffset? lastEventAt)
    {
        if (occurredAt > now + maxFutureSkew)
        {
            return DomainError.Invalid(
                InTheFutureRule,
                $"occurredAt {occurredAt:O} lies more than {maxFutureSkew.TotalSeconds:0} s after the server's clock ({now:O}).") with { Field = Field };
        }

        if (occurredAt < lastEventAt)
        {
            return DomainError.Invalid(
                BeforeLastEventRule,
                $"occurredAt {occurredAt:O} lies before the stream's last event ({lastEventAt:O}); facts of one stream are dated in order.") with { Field = Field };
        }

        return null;
    }
}
