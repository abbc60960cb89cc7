using System.Text;
using System.Text.Json;
using OrderLedger.EventStore;

namespace OrderLedger.Api.Validation;

/// <summary>
/// The raw log endpoints' input rules: stream ids and event types as the stores accept them (<see cref="AppendRules"/>),
/// event data that is JSON without <c>\u0000</c>, and the store id and idempotency key as text of their fields.
/// </summary>
public static class StreamInput
{
    public static void CheckStreamId(string streamId, IDictionary<string, string[]> errors)
    {
        if (streamId.Length > AppendRules.MaxStreamIdLength || AppendRules.HasControlCharacter(streamId) || InputValidator.HasForbiddenCharacter(streamId, multiline: false))
        {
            errors["streamId"] = [$"At most {AppendRules.MaxStreamIdLength} characters, no control characters."];
        }
    }

    /// <summary>A stream or type prefix of a read filter: single-line text.</summary>
    public static void CheckPrefix(string field, string? prefix, IDictionary<string, string[]> errors)
    {
        if (prefix is not null && (prefix.Length > AppendRules.MaxStreamIdLength || InputValidator.HasForbiddenCharacter(prefix, multiline: false)))
        {
            errors[field] = [$"At most {AppendRules.MaxStreamIdLength} characters, no control characters."];
        }
    }

    public static void CheckAppend(string? storeId, string? idempotencyKey, IReadOnlyList<(string? Type, JsonElement Data)> events, IDictionary<string, string[]> errors)
    {
        if (storeId is not null)
        {
            InputValidator.CheckText("storeId", "storeId", storeId, errors);
        }

        if (idempotencyKey is not null)
        {
            InputValidator.CheckText("Idempotency-Key", "commandId", idempotencyKey, errors);
        }

        for (var i = 0; i < events.Count; i++)
        {
            var (type, data) = events[i];
            if (type is not null && InputValidator.HasForbiddenCharacter(type, multiline: false))
            {
                errors[$"events[{i}].type"] = ["No control characters."];
            }

            if (data.ValueKind == JsonValueKind.Object && !AppendRules.IsCleanJson(Encoding.UTF8.GetBytes(data.GetRawText()), allowEmpty: false))
            {
                errors[$"events[{i}].data"] = ["Event data must not contain \\u0000."];
            }
        }
    }
}
