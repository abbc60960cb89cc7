using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrderLedger.EventStore.Postgres;
using OrderLedger.Projections.Runtime;
using OrderLedger.Testing;

namespace OrderLedger.Projections.Tests.Support;

/// <summary>The real hosted runtime (AddProjections + hosted service) inside the test process.</summary>
public sealed class InProcessProjector : IAsyncDisposable
{
    private readonly IHost _host;
    private int _disposed;

    private InProcessProjector(IHost host) => _host = host;

    public IProjectionAdmin Admin => _host.Services.GetRequiredService<IProjectionAdmin>();

    /// <summary>Projections in <paramref name="connectionString"/>'s database; events there too unless <paramref name="eventStore"/> says otherwise.</summary>
    public static async Task<InProcessProjector> StartAsync(
        string connectionString, IEnumerable<IProjection> projections, Action<ProjectionOptions>? configure = null, StoreUnderTest? eventStore = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("PROJECTION_TESTS_LOG") is "1")
        {
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Information);
        }

        if (eventStore is null)
        {
            builder.Services.AddPostgresEventStore(new PostgresEventStoreOptions { ConnectionString = connectionString });
        }
        else
        {
            eventStore.Register(builder.Services);
        }

        builder.Services.AddSingleton(TestEvents.CreateRegistry());
        var runtime = builder.Services.AddProjections(options =>
        {
            options.ConnectionString = connectionString;
            options.BatchSize = 500;
            options.LockRetryInterval = TimeSpan.FromMilliseconds(200);
            options.ControlInterval = TimeSpan.FromMilliseconds(200);
            options.FirstRetryDelay = TimeSpan.FromMilliseconds(20);
            configure?.Invoke(options);
        });
        foreach (var projection in projections)
        {
            runtime.Add(projection);
        }

        var host = builder.Build();
        await host.StartAsync();
        return new InProcessProjector(host);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _host.StopAsync();
        _host.Dispose();
    }
}
