using System.Text;
using OrderLedger.Domain;
using OrderLedger.EventStore.Serialization;

namespace OrderLedger.Domain.Tests.Specs;

/// <summary>
/// Given events, when a command, then the events the decider decides, or the exact domain error.
/// Events are compared through their stored form (type name + JSON), so a spec also proves that what it
/// expects can be written and read by the registry.
/// </summary>
public sealed record Spec<TCommand, TEvent, TState>(Decider<TCommand, TEvent, TState> Decider, IReadOnlyList<TEvent> History)
    where TEvent : class
{
    public Spec(Decider<TCommand, TEvent, TState> decider) : this(decider, [])
    {
    }

    public Spec<TCommand, TEvent, TState> Given(params TEvent[] events) => this with { History = [.. History, .. events] };

    public Outcome<TEvent> When(TCommand command) => new(Decider.Decide(command, Decider.Fold(History)));

    public TState State => Decider.Fold(History);

    /// <summary>When a pre-check (a rule of another aggregate's command, <c>…Checks</c>) runs against this stream's state.</summary>
    public CheckOutcome WhenChecked(Func<TState, DomainError?> check) => new(check(State));
}

/// <summary>The answer of a pre-check: ok (null), or exactly this refusal.</summary>
public sealed class CheckOutcome(DomainError? error)
{
    public void ThenOk() => Assert.True(error is null, $"Expected the check to pass but it refused: {error}");

    public DomainError ThenError(string rule)
    {
        Assert.True(error is not null, $"Expected error {rule} but the check passed.");
        Assert.Equal(rule, error.Rule);
        return error;
    }
}

public sealed class Outcome<TEvent>(Decision<TEvent> decision)
    where TEvent : class
{
    private static readonly EventTypeRegistry Registry = DomainEventTypes.CreateRegistry();

    public Decision<TEvent> Decision { get; } = decision;

    public void Then(params TEvent[] expected)
    {
        Assert.True(Decision.IsAccepted, $"Expected events but the command was rejected: {Decision.Error}");
        Assert.Equal(expected.Select(Describe).ToList(), Decision.Events.Select(Describe).ToList());
    }

    /// <summary>The command is accepted and changes nothing (a repeat).</summary>
    public void ThenNothing() => Then();

    public DomainError ThenError(string rule)
    {
        Assert.False(Decision.IsAccepted, $"Expected error {rule} but the command was accepted: {Decision}");
        Assert.Equal(rule, Decision.Error!.Rule);
        return Decision.Error;
    }

    private static string Describe(TEvent e)
    {
        var (type, data) = Registry.Serialize(e);
        return $"{type} {Encoding.UTF8.GetString(data)}";
    }
}
