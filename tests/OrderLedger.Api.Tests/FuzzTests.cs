using System.Collections;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.DependencyInjection;
using OrderLedger.Api.Commands;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>
/// Property-based fuzzing against the real host: every command endpoint and every query endpoint (found in the
/// OpenAPI document, so a new endpoint is fuzzed without touching this file) gets random, mostly hostile input —
/// control characters, NUL, lone surrogates, huge strings, overflowing numbers, nulls, wrong types, deep nesting.
/// Whatever comes, the answer is never a 5xx, and a rejected command appends nothing (no event of its commandId, and
/// the log's head does not move). FsCheck reports the number of inputs tried ("Ok, passed N tests").
/// </summary>
public sealed class FuzzTests(ApiHost host) : IClassFixture<ApiHost>
{
    public enum Hostility
    {
        Valid, Nul, Control, LineBreak, LoneSurrogate, Huge, Empty, Null, AnObject, AnArray, ABoolean, IntOverflow, DecimalOverflow,
        Negative, NotANumber, DeepNesting, UndefinedEnum,
    }

    /// <summary>Which endpoint (index, modulo the endpoints found) and the hostility of each value, in the order they are filled.</summary>
    public sealed record Input(int Endpoint, IReadOnlyList<Hostility> Values)
    {
        public override string ToString() => $"endpoint #{Endpoint}: {string.Join(", ", Values)}";
    }

    public static class Inputs
    {
        public static Arbitrary<Input> Hostile()
        {
            var hostility = Gen.Frequency(
                [(12, Gen.Constant(Hostility.Valid)), .. Enum.GetValues<Hostility>().Skip(1).Select(h => (1, Gen.Constant(h)))]);
            return Arb.From(Gen.Choose(0, 10_000).Zip(Gen.ListOf(hostility)).Select(x => new Input(x.Item1, [.. x.Item2.Take(60)])));
        }
    }

    private Endpoints? _endpoints;

    [Property(Arbitrary = [typeof(Inputs)], MaxTest = 200)]
    public async Task A_command_endpoint_never_answers_5xx_and_a_rejected_command_appends_nothing(Input input)
    {
        var endpoints = await EndpointsAsync();
        var (path, bodyType) = endpoints.Commands[input.Endpoint % endpoints.Commands.Count];
        var values = new Values(input.Values);
        var commandId = "fuzz-" + Guid.NewGuid().ToString("N");
        var body = values.Body(bodyType, commandId);
        var store = host.Services.GetRequiredService<IEventStore>();
        var before = await store.ReadHeadPositionAsync();

        using var response = await host.Client.PostAsync(values.Route(path, endpoints.StoreId), new StringContent(body, Encoding.UTF8, "application/json"));

        var status = (int)response.StatusCode;
        Assert.True(status < 500, $"{status} from POST {path} with {body[..Math.Min(body.Length, 2_000)]}: {await response.Content.ReadAsStringAsync()}");
        if (status != 200)
        {
            var appended = await store.ReadAllAsync(before, null, 1_000).ToListAsync();
            Assert.DoesNotContain(appended, e => EventCodec.DecodeMetadata(e.Metadata)?.CommandId == commandId);
            Assert.Equal(before, await store.ReadHeadPositionAsync());
        }
    }

    [Property(Arbitrary = [typeof(Inputs)], MaxTest = 200)]
    public async Task A_query_never_answers_5xx_whatever_its_route_and_query_parameters(Input input)
    {
        var endpoints = await EndpointsAsync();
        var (path, parameters) = endpoints.Queries[input.Endpoint % endpoints.Queries.Count];
        var values = new Values(input.Values);
        var query = string.Join("&", parameters.Select(p => $"{p}={Uri.EscapeDataString(values.QueryValue(p))}"));
        var uri = values.Route(path, endpoints.StoreId) + (query.Length > 0 ? "?" + query : "");

        using var response = await host.Client.GetAsync(uri);

        Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} from GET {uri}: {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<Endpoints> EndpointsAsync() => _endpoints ??= await Endpoints.LoadAsync(host.Client);

    /// <summary>The API's command and query endpoints from its OpenAPI document, and a store to aim at.</summary>
    private sealed record Endpoints(IReadOnlyList<(string Path, Type Body)> Commands, IReadOnlyList<(string Path, IReadOnlyList<string> Query)> Queries, string StoreId)
    {
        public static async Task<Endpoints> LoadAsync(HttpClient client)
        {
            var shop = await Scenario.StoreWithStockAsync(client);
            var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
            var bodyTypes = typeof(CommandBody).Assembly.GetTypes().Where(t => t.IsPublic && !t.IsAbstract).ToLookup(t => t.Name);
            var commands = new List<(string, Type)>();
            var queries = new List<(string, IReadOnlyList<string>)>();
            foreach (var path in document.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith("/api/", StringComparison.Ordinal) && !p.Name.StartsWith("/api/projections", StringComparison.Ordinal)))
            {
                foreach (var operation in path.Value.EnumerateObject())
                {
                    if (operation.Name == "post" && operation.Value.TryGetProperty("requestBody", out var request)
                        && request.GetProperty("content").EnumerateObject().First().Value.GetProperty("schema").TryGetProperty("$ref", out var schema)
                        && bodyTypes[schema.GetString()!.Split('/')[^1]].FirstOrDefault() is { } type)
                    {
                        commands.Add((path.Name, type));
                    }
                    else if (operation.Name == "get")
                    {
                        var query = operation.Value.TryGetProperty("parameters", out var parameters)
                            ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!).ToList()
                            : [];
                        queries.Add((path.Name, query));
                    }
                }
            }

            Assert.True(commands.Count >= 40, $"only {commands.Count} command endpoints found in the OpenAPI document");
            Assert.True(queries.Count >= 20, $"only {queries.Count} query endpoints found in the OpenAPI document");
            return new Endpoints(commands, queries, shop.StoreId);
        }
    }

    /// <summary>Turns the generated hostilities into JSON values, route values and query strings, one hostility per value.</summary>
    private sealed class Values(IReadOnlyList<Hostility> hostilities)
    {
        private const string LoneSurrogateMarker = "lone-surrogate-marker";
        private const string DeepNestingMarker = "deep-nesting-marker";
        private int _next;

        private Hostility Next() => hostilities.Count == 0 ? Hostility.Valid : hostilities[_next++ % hostilities.Count];

        public string Route(string path, string storeId)
        {
            var parts = path.Split('/');
            for (var i = 0; i < parts.Length; i++)
            {
                if (parts[i].StartsWith('{'))
                {
                    var name = parts[i].Trim('{', '}');
                    parts[i] = Uri.EscapeDataString(Next() switch
                    {
                        Hostility.Valid when name == "storeId" => storeId,
                        Hostility.Valid => $"{name[..Math.Min(4, name.Length)]}-{Guid.NewGuid().ToString("N")[..8]}",
                        // A NUL in a path is refused by the HTTP server (and the test client) before the app: aim one byte higher.
                        var h => (HostileText(h) ?? "x").Replace('\0', '\u0001'),
                    });
                }
            }

            return string.Join('/', parts);
        }

        public string QueryValue(string name) => Next() switch
        {
            Hostility.Valid => name switch
            {
                "limit" or "pageSize" => "10",
                "from" when hostilities.Count % 2 == 0 => "2026-01-01",
                "to" => "2026-01-31",
                "now" or "at" => DateTimeOffset.UtcNow.ToString("O"),
                "hours" => "48",
                "slaSeconds" => "180",
                "atRiskShare" => "0.5",
                "direction" => "backwards",
                "after" => "0/0",
                "lowStockOnly" => "true",
                _ => "x",
            },
            Hostility.IntOverflow => "2147483648",
            Hostility.DecimalOverflow => "18446744073709551616",
            Hostility.Negative => "-1",
            Hostility.NotANumber => "NaN",
            Hostility.AnObject => "9999-12-31",
            Hostility.AnArray => "0001-01-01T00:00:00Z",
            Hostility.ABoolean => "1e400",
            Hostility.DeepNesting => "2^63",
            Hostility.UndefinedEnum => "Infinity",
            var h => HostileText(h) ?? "",
        };

        /// <summary>The body as JSON text; a generated commandId that is not hostile is replaced by <paramref name="commandId"/>, to trace the request's events.</summary>
        public string Body(Type bodyType, string commandId)
        {
            var body = (JsonObject)ValueOf(bodyType, "body", depth: 0)!;
            if (body["commandId"] is not JsonValue id || !id.TryGetValue<string>(out var text) || text.StartsWith("id-", StringComparison.Ordinal))
            {
                body["commandId"] = commandId;
            }

            // A lone surrogate cannot pass through the JSON writer.
            // Nor can nesting deeper than the writer allows: both go in as raw text, the way a hostile client sends them.
            return body.ToJsonString()
                .Replace(LoneSurrogateMarker, "a\\ud800b", StringComparison.Ordinal)
                .Replace($"\"{DeepNestingMarker}\"", new string('[', 100) + new string(']', 100), StringComparison.Ordinal);
        }

        private JsonNode? ValueOf(Type type, string name, int depth)
        {
            var hostility = depth == 0 ? Hostility.Valid : Next();
            switch (hostility)
            {
                case Hostility.Null: return null;
                case Hostility.AnObject: return new JsonObject { ["unexpected"] = 1 };
                case Hostility.AnArray: return new JsonArray(1, "two");
                case Hostility.ABoolean: return JsonValue.Create(true);
                case Hostility.IntOverflow: return JsonNode.Parse("2147483648");
                case Hostility.DecimalOverflow: return JsonNode.Parse("79228162514264337593543950336");
                case Hostility.Negative: return JsonValue.Create(-1);
                case Hostility.NotANumber: return JsonValue.Create("NaN");
                case Hostility.DeepNesting: return JsonValue.Create(DeepNestingMarker);
                case Hostility.UndefinedEnum: return JsonValue.Create(77);
                case not Hostility.Valid: return JsonValue.Create(HostileText(hostility));
            }

            var underlying = Nullable.GetUnderlyingType(type) ?? type;
            if (underlying == typeof(string))
            {
                return JsonValue.Create($"id-{name}-{Guid.NewGuid().ToString("N")[..6]}");
            }

            if (underlying == typeof(int) || underlying == typeof(long))
            {
                return JsonValue.Create(2);
            }

            if (underlying == typeof(decimal))
            {
                return JsonValue.Create(10.5m);
            }

            if (underlying == typeof(bool))
            {
                return JsonValue.Create(true);
            }

            if (underlying == typeof(DateTimeOffset))
            {
                // A due time in the future: a timer firing in the background would move the head under a rejected request.
                return JsonValue.Create(name == "paymentDueAt" ? DateTimeOffset.UtcNow.AddDays(1) : DateTimeOffset.UtcNow.AddMinutes(-1));
            }

            if (underlying == typeof(TimeOnly))
            {
                return JsonValue.Create("09:00");
            }

            if (underlying == typeof(JsonElement))
            {
                return name == "expectedRevision" ? JsonValue.Create("any") : new JsonObject { ["text"] = "fuzz" };
            }

            if (underlying.IsEnum)
            {
                return JsonValue.Create(Enum.GetNames(underlying)[0]);
            }

            if (underlying != typeof(string) && typeof(IEnumerable).IsAssignableFrom(underlying))
            {
                var element = underlying.IsArray ? underlying.GetElementType()! : underlying.GetGenericArguments()[0];
                return depth > 4 ? new JsonArray() : new JsonArray(ValueOf(element, name, depth + 1));
            }

            var item = new JsonObject();
            foreach (var property in underlying.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite || p.SetMethod is not null))
            {
                var json = char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
                item[json] = depth > 4 ? null : ValueOf(property.PropertyType, json, depth + 1);
            }

            return item;
        }

        private static string? HostileText(Hostility hostility) => hostility switch
        {
            Hostility.Nul => "a\u0000b",
            Hostility.Control => "a\u0007\u001bb",
            Hostility.LineBreak => "a\r\nb",
            Hostility.LoneSurrogate => LoneSurrogateMarker,
            Hostility.Huge => new string('x', 20_000),
            Hostility.Empty => "",
            _ => null,
        };
    }
}
