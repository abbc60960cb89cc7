using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using OrderLedger.Audit;

namespace OrderLedger.Cli.Verbs;

/// <summary><c>ledger replay &lt;stream&gt; [--at &lt;timestamp&gt;] [--format table|json]</c></summary>
public static class ReplayVerb
{
    private static readonly JsonSerializerOptions StateJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    private static readonly JsonSerializerOptions IndentedStateJson = new(StateJson) { WriteIndented = true };
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var parsed = CliArguments.Parse("ledger replay", args, ["--at", "--format", "--connection"], []);
        if (parsed.Positional.Count != 1)
        {
            throw new CliException("ledger replay: name exactly one stream, e.g. ledger replay order-1001.");
        }

        var streamId = parsed.Positional[0];
        var format = parsed.Value("--format") ?? "table";
        if (format is not ("table" or "json"))
        {
            throw new CliException($"ledger replay: --format must be table or json, not '{format}'.");
        }

        DateTimeOffset? at = null;
        if (parsed.Value("--at") is { } atText)
        {
            at = DateTimeOffset.TryParse(atText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsedAt)
                ? parsedAt
                : throw new CliException($"ledger replay: --at '{atText}' is not a timestamp (e.g. 2026-11-01T10:00:00Z).");
        }

        await using var services = CliServices.Create(parsed.Value("--connection"));
        var steps = await new StreamHistory(services.Store, services.Codec).ReplayAsync(streamId);
        if (steps.Count == 0)
        {
            throw new CliException($"ledger replay: stream '{streamId}' not found.", CliException.FailureExitCode);
        }

        if (at is { } moment)
        {
            var asOf = StreamHistory.AsOf(steps, moment);
            if (format == "json")
            {
                await output.WriteLineAsync(new JsonObject
                {
                    ["stream"] = streamId,
                    ["at"] = moment.ToString("O"),
                    ["revision"] = asOf?.Event.Record.Revision,
                    ["state"] = asOf is null ? null : JsonSerializer.SerializeToNode(asOf.StateAfter, StateJson),
                }.ToJsonString(Indented));
            }
            else
            {
                await output.WriteLineAsync(asOf is null
                    ? $"{streamId} had no events at {moment:O}."
                    : $"{streamId} as of {moment:O} (after revision {asOf.Event.Record.Revision}, {asOf.Event.Record.Type}):\n{State(asOf, indented: true)}");
            }

            return 0;
        }

        if (format == "json")
        {
            var array = new JsonArray();
            foreach (var step in steps)
            {
                array.Add(new JsonObject
                {
                    ["revision"] = step.Event.Record.Revision,
                    ["position"] = step.Event.Record.Position.ToString(),
                    ["occurredAt"] = step.OccurredAt.ToString("O"),
                    ["type"] = step.Event.Record.Type,
                    ["actor"] = step.Event.Metadata?.Actor.ToString(),
                    ["data"] = JsonNode.Parse(step.Event.Record.Data.Span),
                    ["stateAfter"] = JsonSerializer.SerializeToNode(step.StateAfter, StateJson),
                });
            }

            await output.WriteLineAsync(array.ToJsonString(Indented));
            return 0;
        }

        await output.WriteLineAsync($"{"rev",4}  {"position",-16} {"occurred at",-26} {"type",-40} actor");
        foreach (var step in steps)
        {
            var r = step.Event.Record;
            await output.WriteLineAsync($"{r.Revision,4}  {r.Position,-16} {step.OccurredAt,-26:yyyy-MM-dd HH:mm:ss zzz} {r.Type,-40} {step.Event.Metadata?.Actor}");
            await output.WriteLineAsync($"      state: {State(step, indented: false)}");
        }

        return 0;
    }

    private static string State(HistoryStep step, bool indented) =>
        step.StateAfter is null ? "(no domain state for this stream category)" : JsonSerializer.Serialize(step.StateAfter, indented ? IndentedStateJson : StateJson);
}
