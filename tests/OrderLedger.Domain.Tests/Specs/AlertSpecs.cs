using OrderLedger.Domain.Alerts;
using static OrderLedger.Domain.Tests.Specs.Samples;

namespace OrderLedger.Domain.Tests.Specs;

public class AlertSpecs
{
    private static readonly Spec<AlertCommand, AlertEvent, AlertsState> Alerts = new(AlertsDecider.Decider);

    private static readonly AlertRaised ReplyRateRaised = new("s-1", "s-1/1", "reply-rate", "store", "Reply rate 40 %", 0.4, 0.8, T0);

    [Fact]
    public void A_rule_that_holds_raises_the_stores_first_alert() =>
        Alerts.When(new RaiseAlert("s-1", "reply-rate", "store", "Reply rate 40 %", 0.4, 0.8, T0)).Then(ReplyRateRaised);

    [Fact]
    public void While_the_alert_is_open_the_same_rule_and_subject_raise_nothing() =>
        Alerts.Given(ReplyRateRaised).When(new RaiseAlert("s-1", "reply-rate", "store", "Reply rate 30 %", 0.3, 0.8, At(1))).ThenNothing();

    [Fact]
    public void Another_rule_or_subject_is_another_alert() =>
        Alerts.Given(ReplyRateRaised).When(new RaiseAlert("s-1", "projection-faulted", "orders", "Projection orders is faulted", null, null, At(1)))
            .Then(new AlertRaised("s-1", "s-1/2", "projection-faulted", "orders", "Projection orders is faulted", null, null, At(1)));

    [Fact]
    public void Recovery_closes_the_open_alert() =>
        Alerts.Given(ReplyRateRaised).When(new RecoverAlert("s-1", "reply-rate", "store", "Reply rate 90 %", At(5)))
            .Then(new AlertRecovered("s-1", "s-1/1", "reply-rate", "store", "Reply rate 90 %", At(5)));

    [Fact]
    public void Recovery_without_an_open_alert_changes_nothing() =>
        Alerts.Given(ReplyRateRaised, new AlertRecovered("s-1", "s-1/1", "reply-rate", "store", "ok", At(5)))
            .When(new RecoverAlert("s-1", "reply-rate", "store", "still ok", At(6))).ThenNothing();

    [Fact]
    public void After_a_recovery_the_next_episode_is_a_new_alert() =>
        Alerts.Given(ReplyRateRaised, new AlertRecovered("s-1", "s-1/1", "reply-rate", "store", "ok", At(5)))
            .When(new RaiseAlert("s-1", "reply-rate", "store", "Reply rate 50 %", 0.5, 0.8, At(9)))
            .Then(new AlertRaised("s-1", "s-1/2", "reply-rate", "store", "Reply rate 50 %", 0.5, 0.8, At(9)));

    [Fact]
    public void Only_known_rules_raise() =>
        Alerts.When(new RaiseAlert("s-1", "weather", "store", "rain", null, null, T0)).ThenError("alert.rule-unknown");

    [Fact]
    public void An_alert_names_its_subject_and_says_what_was_seen()
    {
        Alerts.When(new RaiseAlert("s-1", "reply-rate", " ", "x", null, null, T0)).ThenError("alert.subject-required");
        Alerts.When(new RecoverAlert("s-1", "reply-rate", "store", "", T0)).ThenError("alert.summary-required");
    }
}
