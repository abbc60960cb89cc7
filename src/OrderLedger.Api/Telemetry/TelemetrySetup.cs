using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OrderLedger.EventStore;

namespace OrderLedger.Api.Telemetry;

/// <summary>
/// Structured logs, traces and metrics. The OTLP exporter is on when the standard variable
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (with <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_SERVICE_NAME</c>,
/// <c>OTEL_RESOURCE_ATTRIBUTES</c>… read by the SDK); logs are JSON on the console when <c>Logging:Console:FormatterName</c> is <c>json</c>.
/// </summary>
public static class TelemetrySetup
{
    public static WebApplicationBuilder AddOrderLedgerTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ApiTelemetry>();
        builder.Services.AddHostedService<ProjectionLagSampler>();
        DecorateEventStore(builder.Services);

        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "orderledger-api"))
            .WithTracing(tracing => tracing.AddSource(ApiTelemetry.Name).AddAspNetCoreInstrumentation())
            .WithMetrics(metrics => metrics.AddMeter(ApiTelemetry.Name).AddAspNetCoreInstrumentation());
        if (otlp)
        {
            otel.UseOtlpExporter();
            builder.Logging.AddOpenTelemetry(logging =>
            {
                logging.IncludeScopes = true;
                logging.IncludeFormattedMessage = true;
            });
        }

        return builder;
    }

    /// <summary>Wraps the registered <see cref="IEventStore"/> in <see cref="InstrumentedEventStore"/>.</summary>
    private static void DecorateEventStore(IServiceCollection services)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IEventStore))
            ?? throw new InvalidOperationException("Register the event store before telemetry.");
        services.Remove(registered);
        services.AddSingleton<IEventStore>(sp =>
        {
            var inner = registered.ImplementationInstance as IEventStore
                ?? registered.ImplementationFactory?.Invoke(sp) as IEventStore
                ?? (IEventStore)ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!);
            return new InstrumentedEventStore(inner, sp.GetRequiredService<ApiTelemetry>());
        });
    }
}
