using Microsoft.Extensions.Configuration;

namespace OrderLedger.Reactors.Alerts;

/// <summary>
/// The <c>Alerts</c> configuration section (docs/reactors.md, "Alerts"): how often the rules run, the default targets,
/// and per store (<c>Alerts:Stores:{storeId}</c>) targets that differ and the webhook. Configuration rather than store
/// commands because a webhook URL carries its key: in the event log it would be kept for ever and readable through the
/// stream and history endpoints. The targets a store has in the domain (its SLA: first reply within
/// <c>store-sla-targets-set</c>'s seconds) are read from the store's stream, not from here.
/// </summary>
public sealed class AlertOptions
{
    public const string Section = "Alerts";

    /// <summary>Off: no rules run and nothing is delivered (the read model and the API still answer).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the rules are evaluated for every store.</summary>
    public TimeSpan EvaluateEvery { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often undelivered alerts are looked for (and the first wait between retries).</summary>
    public TimeSpan DeliverEvery { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between two attempts to deliver one alert.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    public FigureTargets Targets { get; set; } = new();

    /// <summary>The stores' own settings, by store id.</summary>
    public Dictionary<string, StoreAlertOptions> Stores { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The targets of a store: its own section's, else the defaults.</summary>
    public FigureTargets TargetsOf(string storeId) => Stores.TryGetValue(storeId, out var store) && store.Targets is { } own ? own : Targets;

    /// <summary>
    /// From configuration. A store's <c>Targets</c> section sets only what differs: it is bound over a copy of the
    /// defaults, so the figures it leaves out keep the configured defaults, not the built-in ones.
    /// </summary>
    public static AlertOptions From(IConfiguration configuration)
    {
        var options = new AlertOptions();
        var section = configuration.GetSection(Section);
        section.Bind(options);
        foreach (var store in section.GetSection(nameof(Stores)).GetChildren())
        {
            if (store.GetSection(nameof(StoreAlertOptions.Targets)).Exists() && options.Stores.TryGetValue(store.Key, out var own))
            {
                own.Targets = options.Targets.Copy();
                store.GetSection(nameof(StoreAlertOptions.Targets)).Bind(own.Targets);
            }
        }

        return options;
    }

    public WebhookOptions? WebhookOf(string storeId) =>
        Stores.TryGetValue(storeId, out var store) && store.Webhook is { Url.Length: > 0 } webhook ? webhook : null;
}

public sealed class StoreAlertOptions
{
    public FigureTargets? Targets { get; set; }

    public WebhookOptions? Webhook { get; set; }
}

public enum WebhookFormat
{
    /// <summary>The documented JSON of one alert (<see cref="AlertWebhookMessage"/>).</summary>
    Json,

    /// <summary>A WeCom (企业微信) group robot: <c>{"msgtype":"markdown","markdown":{"content":…}}</c>.</summary>
    WeCom,
}

/// <summary>Where a store's alerts go. The URL is a secret (a robot's key is in it): never returned by the API nor logged.</summary>
public sealed class WebhookOptions
{
    public string Url { get; set; } = "";

    public WebhookFormat Format { get; set; } = WebhookFormat.Json;
}

/// <summary>
/// The targets the cockpit shows each figure against and the alert rules hold the live figures to. A share is 0…1; NPS
/// −100…100. "At risk" starts at the <c>…AtRisk</c> value: for figures where more is better, below it (and not below
/// the target); where less is better, above it (and not above the target).
/// </summary>
public sealed class FigureTargets
{
    public double ReplyRate { get; set; } = 0.8;
    public double ReplyRateAtRisk { get; set; } = 0.85;

    /// <summary>The last-hour reply rate alerts only from this many counted inquiries: one late reply at night is no alert.</summary>
    public int ReplyRateMinInquiries { get; set; } = 5;

    public double Nps { get; set; } = 30;
    public double NpsAtRisk { get; set; } = 40;
    public double FirstContactResolution { get; set; } = 0.7;
    public double FirstContactResolutionAtRisk { get; set; } = 0.75;
    public double GoodReviewRate { get; set; } = 0.9;
    public double GoodReviewRateAtRisk { get; set; } = 0.93;
    public double DisputeRate { get; set; } = 0.01;
    public double DisputeRateAtRisk { get; set; } = 0.008;

    /// <summary>Hours from a refund-only request to its payment (p90).</summary>
    public double RefundHours { get; set; } = 24;
    public double RefundHoursAtRisk { get; set; } = 20;

    public double StuckParcels { get; set; }
    public double LogisticsExceptions { get; set; } = 5;

    /// <summary>Complaints (conversations classified as complaints, dissatisfied ratings, NPS detractors) in the last hour that make a spike: at least this many…</summary>
    public int ComplaintSpikeMinimum { get; set; } = 3;

    /// <summary>…and at least this many times the store's hourly average over the 7 days before.</summary>
    public double ComplaintSpikeFactor { get; set; } = 3;

    public FigureTargets Copy() => (FigureTargets)MemberwiseClone();
}
