using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OrderLedger.Projections.Runtime;

namespace OrderLedger.Reactors.Alerts;

/// <summary>
/// The documented webhook body (<see cref="WebhookFormat.Json"/>): one message when an alert is raised and one when it
/// recovers. <see cref="DeliveryId"/> (<c>{alertId}/raised</c>, <c>{alertId}/recovered</c>) is the same on every retry:
/// delivery is at least once, so a receiver drops a delivery id it has seen.
/// </summary>
public sealed record AlertWebhookMessage(
    string DeliveryId,
    string AlertId,
    string StoreId,
    string Status,
    string Rule,
    string Subject,
    string Summary,
    double? Value,
    double? Target,
    DateTimeOffset RaisedAt,
    DateTimeOffset? RecoveredAt)
{
    public const string Raised = "raised";
    public const string Recovered = "recovered";

    public static AlertWebhookMessage Of(AlertSummary alert, string status) => new(
        $"{alert.AlertId}/{status}", alert.AlertId, alert.StoreId, status, alert.Rule, alert.Subject,
        status == Recovered ? alert.RecoverySummary ?? alert.Summary : alert.Summary, alert.Value, alert.Target, alert.RaisedAt,
        status == Recovered ? alert.RecoveredAt : null);

    /// <summary>A WeCom group robot's markdown message (<c>{"msgtype":"markdown","markdown":{"content":…}}</c>).</summary>
    public object ToWeCom() => new WeComMessage("markdown", new WeComMarkdown(string.Join('\n',
        Status == Raised ? $"**<font color=\"warning\">告警 Alert</font>** {StoreId} · {Rule}" : $"**<font color=\"info\">恢复 Recovered</font>** {StoreId} · {Rule}",
        $"> {Summary}",
        $"> {Subject} · {(RecoveredAt ?? RaisedAt).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC · {AlertId}")));

    private sealed record WeComMessage([property: JsonPropertyName("msgtype")] string MsgType, [property: JsonPropertyName("markdown")] WeComMarkdown Markdown);

    private sealed record WeComMarkdown([property: JsonPropertyName("content")] string Content);
}

/// <summary>
/// Delivers each store's alerts to its webhook (<see cref="AlertOptions.WebhookOf"/>): every raised alert once and every
/// recovery once, at least once — a failed POST (no answer, not 2xx, or a WeCom <c>errcode</c> other than 0) is tried again
/// with a doubling wait up to <see cref="AlertOptions.MaxRetryDelay"/>; a delivered one is recorded in
/// <c>reactors.alert_deliveries</c> and never sent again. The URL is never logged (a robot's key is in it): log lines
/// name the store, the delivery and the answer's status only. A plain <see cref="HttpClient"/>, not the client factory,
/// whose handlers log request URLs.
/// </summary>
public sealed partial class AlertWebhooks(
    AlertOptions options, ReactorOptions reactorOptions, TimeProvider time, ILogger<AlertWebhooks> logger, NpgsqlDataSource dataSource) : PollingService(time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly AlertQueries _alerts = new(dataSource, reactorOptions.ViewSchema);
    private readonly OwnTables _tables = new(dataSource, """
        CREATE SCHEMA IF NOT EXISTS reactors;
        CREATE TABLE IF NOT EXISTS reactors.alert_deliveries (
            delivery_id      text PRIMARY KEY,
            store_id         text NOT NULL,
            attempts         int NOT NULL,
            last_attempt_at  timestamptz NOT NULL,
            next_attempt_at  timestamptz NOT NULL,
            delivered_at     timestamptz,
            last_answer      text NOT NULL);
        """);

    protected override TimeSpan Interval => options.DeliverEvery;

    protected override Task PassAsync(CancellationToken cancellationToken) => DeliverDueAsync(cancellationToken);

    protected override void OnPassFailed(Exception exception) => LogPassFailed(exception);

    /// <summary>One pass: sends every delivery that is due; returns how many were delivered.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken = default)
    {
        var stores = options.Stores.Where(s => s.Value.Webhook is { Url.Length: > 0 }).Select(s => s.Key).ToArray();
        if (stores.Length == 0)
        {
            return 0;
        }

        await _tables.EnsureAsync(cancellationToken);
        var now = Time.GetUtcNow();
        var due = await _alerts.QueryAsync(
            $"""
            SELECT {AlertQueries.Columns} FROM {_alerts.View} a
            WHERE a.store_id = ANY(@Stores)
              AND (NOT EXISTS (SELECT 1 FROM reactors.alert_deliveries d
                               WHERE d.delivery_id = a.alert_id || '/{AlertWebhookMessage.Raised}' AND d.delivered_at IS NOT NULL)
                   OR (a.recovered_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM reactors.alert_deliveries d
                               WHERE d.delivery_id = a.alert_id || '/{AlertWebhookMessage.Recovered}' AND d.delivered_at IS NOT NULL)))
            ORDER BY a.raised_at, a.alert_id
            LIMIT 100
            """,
            new { Stores = stores }, cancellationToken);
        var delivered = 0;
        foreach (var alert in due)
        {
            // The raise goes first: a receiver sees an alert before its recovery.
            foreach (var status in alert.RecoveredAt is null ? [AlertWebhookMessage.Raised] : new[] { AlertWebhookMessage.Raised, AlertWebhookMessage.Recovered })
            {
                var outcome = await DeliverOnceAsync(alert, status, now, cancellationToken);
                if (outcome == Delivery.Failed)
                {
                    break;
                }

                delivered += outcome == Delivery.Sent ? 1 : 0;
            }
        }

        return delivered;
    }

    private enum Delivery
    {
        Sent,
        AlreadyDone,
        Failed,
    }

    private async Task<Delivery> DeliverOnceAsync(AlertSummary alert, string status, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var message = AlertWebhookMessage.Of(alert, status);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var attempts = await connection.QuerySingleOrDefaultAsync<DeliveryRow>(new CommandDefinition(
            "SELECT attempts, delivered_at IS NOT NULL AS delivered, next_attempt_at AS nextattemptat FROM reactors.alert_deliveries WHERE delivery_id = @Id",
            new { Id = message.DeliveryId }, cancellationToken: cancellationToken));
        if (attempts is { Delivered: true })
        {
            return Delivery.AlreadyDone;
        }

        if (attempts is { } previous && previous.NextAttemptAt > now.UtcDateTime)
        {
            return Delivery.Failed; // still waiting for its retry
        }

        var webhook = options.WebhookOf(alert.StoreId)!;
        var (ok, answer) = await PostAsync(webhook, message, cancellationToken);
        var tries = (attempts?.Attempts ?? 0) + 1;
        var wait = TimeSpan.FromTicks(Math.Min(options.MaxRetryDelay.Ticks, options.DeliverEvery.Ticks * (1L << Math.Min(tries - 1, 20))));
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO reactors.alert_deliveries (delivery_id, store_id, attempts, last_attempt_at, next_attempt_at, delivered_at, last_answer)
            VALUES (@Id, @StoreId, @Tries, @Now, @Next, @DeliveredAt, @Answer)
            ON CONFLICT (delivery_id) DO UPDATE SET attempts = excluded.attempts, last_attempt_at = excluded.last_attempt_at,
                next_attempt_at = excluded.next_attempt_at, delivered_at = excluded.delivered_at, last_answer = excluded.last_answer
            """,
            new
            {
                Id = message.DeliveryId,
                alert.StoreId,
                Tries = tries,
                Now = now.UtcDateTime,
                Next = (now + wait).UtcDateTime,
                DeliveredAt = ok ? now.UtcDateTime : (DateTime?)null,
                Answer = answer,
            },
            cancellationToken: cancellationToken));
        if (ok)
        {
            LogDelivered(alert.StoreId, message.DeliveryId, tries);
            return Delivery.Sent;
        }

        LogFailed(alert.StoreId, message.DeliveryId, tries, answer);
        return Delivery.Failed;
    }

    private async Task<(bool Ok, string Answer)> PostAsync(WebhookOptions webhook, AlertWebhookMessage message, CancellationToken cancellationToken)
    {
        try
        {
            using var response = webhook.Format == WebhookFormat.WeCom
                ? await _http.PostAsJsonAsync(webhook.Url, message.ToWeCom(), Json, cancellationToken)
                : await _http.PostAsJsonAsync(webhook.Url, message, Json, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return (false, $"HTTP {(int)response.StatusCode}");
            }

            if (webhook.Format == WebhookFormat.WeCom)
            {
                // The robot answers 200 with {"errcode":…,"errmsg":…}; only errcode 0 is delivered.
                var body = await response.Content.ReadFromJsonAsync<WeComAnswer>(Json, cancellationToken);
                return body is { ErrCode: 0 } ? (true, "errcode 0") : (false, $"errcode {body?.ErrCode.ToString(CultureInfo.InvariantCulture) ?? "missing"}");
            }

            return (true, $"HTTP {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            return (false, ex.GetType().Name); // not the message: it may quote the URL
        }
    }


    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    private sealed record DeliveryRow(int Attempts, bool Delivered, DateTime NextAttemptAt);

    private sealed record WeComAnswer([property: JsonPropertyName("errcode")] int ErrCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert webhook of store {StoreId}: {DeliveryId} delivered (attempt {Attempt}).")]
    private partial void LogDelivered(string storeId, string deliveryId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert webhook of store {StoreId}: {DeliveryId} not delivered (attempt {Attempt}: {Answer}); retrying.")]
    private partial void LogFailed(string storeId, string deliveryId, int attempt, string answer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert delivery pass failed; retrying on the next pass.")]
    private partial void LogPassFailed(Exception exception);
}
