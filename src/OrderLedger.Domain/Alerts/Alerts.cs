namespace OrderLedger.Domain.Alerts;

// ---- Commands -------------------------------------------------------------------------------------------------------

/// <summary>A command on a store's alerts, stream <c>alerts-{StoreId}</c>; sent by the alerts reactor (docs/reactors.md).</summary>
public abstract record AlertCommand(string StoreId) : IDomainCommand
{
    public abstract DateTimeOffset OccurredAt { get; init; }
}

/// <summary>
/// A rule's condition holds for <paramref name="Subject"/> (<c>store</c> for the store as a whole, a projection's name for
/// a faulted projection). Raises an alert unless one is open for the same rule and subject: one alert per episode.
/// </summary>
/// <param name="Summary">What was seen, for people (shown on the cockpit and sent to the webhook).</param>
/// <param name="Value">The figure that broke the rule, when there is one (a rate as a share, a count, seconds).</param>
/// <param name="Target">The target it was held against.</param>
public sealed record RaiseAlert(string StoreId, string Rule, string Subject, string Summary, double? Value, double? Target, DateTimeOffset OccurredAt)
    : AlertCommand(StoreId);

/// <summary>The condition no longer holds: the open alert of this rule and subject recovers; nothing happens when none is open.</summary>
public sealed record RecoverAlert(string StoreId, string Rule, string Subject, string Summary, DateTimeOffset OccurredAt) : AlertCommand(StoreId);

// ---- Events ---------------------------------------------------------------------------------------------------------

/// <summary>A fact on a store's alerts stream. Every event carries the store and the alert's id.</summary>
public abstract record AlertEvent : IStoreScoped
{
    public abstract string StoreId { get; init; }

    public abstract string AlertId { get; init; }
}

/// <param name="AlertId"><c>{storeId}/{n}</c>: the n-th alert raised for the store, unique and stable (webhook deliveries are keyed by it).</param>
public sealed record AlertRaised(
    string StoreId, string AlertId, string Rule, string Subject, string Summary, double? Value, double? Target, DateTimeOffset OccurredAt) : AlertEvent;

public sealed record AlertRecovered(string StoreId, string AlertId, string Rule, string Subject, string Summary, DateTimeOffset OccurredAt) : AlertEvent;

// ---- State and decider ----------------------------------------------------------------------------------------------

/// <param name="Raised">How many alerts the store has had: the next alert's number.</param>
/// <param name="Open">The open alert of each (rule, subject).</param>
public sealed record AlertsState(int Raised, IReadOnlyDictionary<(string Rule, string Subject), string> Open)
{
    public static AlertsState Initial { get; } = new(0, new Dictionary<(string, string), string>());
}

public static class AlertsDecider
{
    /// <summary>The rules the alerts reactor evaluates (docs/reactors.md, "Alerts").</summary>
    public static IReadOnlySet<string> Rules { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "reply-rate", "queue-wait", "stuck-parcels", "complaint-spike", "escalation-deadline", "projection-faulted", WorkOrderEscalatedRule,
    };

    /// <summary>A work order escalated at its first-plan deadline that has no plan or resolution yet; the subject is the ticket id.</summary>
    public const string WorkOrderEscalatedRule = "work-order-escalated";

    /// <summary>The subject of a rule about the store as a whole.</summary>
    public const string StoreSubject = "store";

    public static Decider<AlertCommand, AlertEvent, AlertsState> Decider { get; } = new(Decide, Evolve, AlertsState.Initial);

    public static Decision<AlertEvent> Decide(AlertCommand command, AlertsState state) => (command, state) switch
    {
        (RaiseAlert c, _) when Invalid(c.Rule, c.Subject, c.Summary) is { } error => error,
        (RaiseAlert c, _) when state.Open.ContainsKey((c.Rule, c.Subject)) => Decision<AlertEvent>.Nothing,
        (RaiseAlert c, _) => new AlertRaised(c.StoreId, $"{c.StoreId}/{state.Raised + 1}", c.Rule, c.Subject, c.Summary, c.Value, c.Target, c.OccurredAt),
        (RecoverAlert c, _) when Invalid(c.Rule, c.Subject, c.Summary) is { } error => error,
        (RecoverAlert c, _) when state.Open.TryGetValue((c.Rule, c.Subject), out var alertId) =>
            new AlertRecovered(c.StoreId, alertId, c.Rule, c.Subject, c.Summary, c.OccurredAt),
        (RecoverAlert, _) => Decision<AlertEvent>.Nothing,
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown alert command."),
    };

    public static AlertsState Evolve(AlertsState state, AlertEvent @event) => @event switch
    {
        AlertRaised e => new AlertsState(state.Raised + 1, new Dictionary<(string, string), string>(state.Open) { [(e.Rule, e.Subject)] = e.AlertId }),
        AlertRecovered e => state with { Open = state.Open.Where(o => o.Key != (e.Rule, e.Subject)).ToDictionary() },
        _ => state,
    };

    private static DomainError? Invalid(string rule, string subject, string summary) =>
        !Rules.Contains(rule) ? DomainError.Invalid("alert.rule-unknown", $"'{rule}' is not an alert rule ({string.Join(", ", Rules)}).")
        : string.IsNullOrWhiteSpace(subject) ? DomainError.Invalid("alert.subject-required", "An alert names its subject.")
        : string.IsNullOrWhiteSpace(summary) ? DomainError.Invalid("alert.summary-required", "An alert says what was seen.")
        : null;
}
