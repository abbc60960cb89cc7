using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrderLedger.Hosting;
using OrderLedger.Projections.Runtime;
using OrderLedger.Reactors;

// The standalone projector: the same hosted service the API host runs, without HTTP. Several copies may run; each
// projection is active in one of them and the others stand by (docs/projections.md).
//   OrderLedger.Projector                 run the projectors until stopped
//   OrderLedger.Projector status          print every projection's status
//   OrderLedger.Projector rebuild NAME    start a blue/green rebuild and follow its progress
//   OrderLedger.Projector resume NAME     clear a fault so the active instance retries
var command = args.FirstOrDefault(a => !a.StartsWith('-') && !a.Contains('=', StringComparison.Ordinal)) ?? "run";
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddOrderLedgerProjections(builder.Configuration, options => options.RunProjectors &= command == "run");
builder.Services.AddOrderLedgerEventStore(builder.Configuration);
if (command == "run")
{
    builder.Services.AddOrderLedgerCommandHandling(builder.Configuration);
    builder.Services.AddReactors();
}


using var host = builder.Build();
if (command == "run")
{
    await host.RunAsync();
    return 0;
}

await host.StartAsync();
var admin = host.Services.GetRequiredService<IProjectionAdmin>();
var name = args.SkipWhile(a => a != command).Skip(1).FirstOrDefault(a => !a.StartsWith('-'));
try
{
    switch (command)
    {
        case "status":
            Console.WriteLine($"{"projection",-20} {"state",-11} {"gen",4} {"checkpoint",-18} {"head",-18} {"lag",9} {"lag s",8} {"ev/s",9}  error");
            foreach (var s in await admin.GetStatusAsync())
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{s.Name,-20} {s.State,-11} {s.Generation,4} {s.Checkpoint?.ToString() ?? "-",-18} {s.Head?.ToString() ?? "-",-18} {s.LagEvents?.ToString(CultureInfo.InvariantCulture) ?? "?",9} {s.LagSeconds ?? 0,8:0.0} {s.EventsPerSecond,9:0}  {Describe(s.LastError)}"));
            }

            return 0;
        case "rebuild" when name is not null:
            var progress = await admin.RequestRebuildAsync(name);
            while (progress.State == RebuildState.Building)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{progress.Name} g{progress.Generation}: {progress.Done}/{progress.Total?.ToString(CultureInfo.InvariantCulture) ?? "?"} ({progress.Percent ?? 0:0.0}%), {progress.EventsPerSecond:0} ev/s, ETA {progress.Eta?.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) ?? "?"}"));
                if (args.Contains("--no-wait"))
                {
                    return 0;
                }

                await Task.Delay(TimeSpan.FromSeconds(1));
                progress = await admin.GetRebuildProgressAsync(name) ?? progress;
            }

            Console.WriteLine($"{progress.Name} g{progress.Generation}: {progress.State} {Describe(progress.Error)}");
            return progress.State == RebuildState.Completed ? 0 : 1;
        case "resume" when name is not null:
            Console.WriteLine(await admin.ResumeAsync(name) ? $"{name}: resumed" : $"{name}: was not faulted");
            return 0;
        default:
            await Console.Error.WriteLineAsync("usage: OrderLedger.Projector [run | status | rebuild NAME [--no-wait] | resume NAME]");
            return 2;
    }
}
finally
{
    await host.StopAsync();
}

static string Describe(ProjectionError? error) =>
    error is null ? "" : $"{error.Message} (event {error.EventType} at {error.Position} in {error.StreamId})";
