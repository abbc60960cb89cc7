using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;

namespace OrderLedger.Api.Validation;

/// <summary>
/// Checks a deserialized request against <see cref="InputLimits"/>, walking its properties (nested records and lists
/// too) and recording each fault under the field's JSON path (<c>lines[0].sku</c>), so one 400 names every field at
/// fault. Text may hold no control character (prose fields may hold newlines and tabs); numbers, money and times are
/// within their ranges; enums hold a defined name; a non-nullable property of a nested record is required.
/// </summary>
public static class InputValidator
{
    private const int MaxDepth = 8;

    private static readonly ConcurrentDictionary<Type, Property[]> PropertiesByType = new();

    public static void Check(object body, IDictionary<string, string[]> errors)
    {
        var currency = body.GetType().GetProperty("Currency")?.GetValue(body) as string;
        Walk(body, "", currency, depth: 0, errors);
    }

    /// <summary>Route values are ids: the same text rules, keyed by the route parameter's name.</summary>
    public static void CheckRoute(RouteValueDictionary route, IDictionary<string, string[]> errors)
    {
        foreach (var (name, value) in route)
        {
            if (value is string text)
            {
                CheckText(name, name, text, errors);
            }
        }
    }

    /// <summary>One text value: no control character (prose: none but newline and tab), at most its field's length.</summary>
    public static bool CheckText(string path, string field, string text, IDictionary<string, string[]> errors)
    {
        var limit = InputLimits.TextOf(field);
        if (text.Length > limit.MaxLength)
        {
            errors[path] = [$"At most {limit.MaxLength} characters."];
            return false;
        }

        if (HasForbiddenCharacter(text, limit.Multiline))
        {
            errors[path] = [limit.Multiline ? "No control characters (newlines and tabs are allowed)." : "No control characters, tabs or line breaks."];
            return false;
        }

        return true;
    }

    public static bool HasForbiddenCharacter(string text, bool multiline)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            // A lone surrogate cannot be encoded as UTF-8: PostgreSQL and the hash chain would see different text.
            var forbidden = char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029';
            if (forbidden && !(multiline && c is '\n' or '\r' or '\t'))
            {
                return true;
            }
        }

        return false;
    }

    private static void Walk(object value, string prefix, string? currency, int depth, IDictionary<string, string[]> errors)
    {
        if (depth > MaxDepth)
        {
            errors[prefix.Length == 0 ? "body" : prefix] = ["Nested too deeply."];
            return;
        }

        foreach (var property in PropertiesOf(value.GetType()))
        {
            var path = prefix.Length == 0 ? property.JsonName : $"{prefix}.{property.JsonName}";
            var item = property.Info.GetValue(value);
            if (item is null)
            {
                if (!property.Nullable && depth > 0)
                {
                    errors[path] = ["Required."];
                }

                continue;
            }

            CheckValue(item, path, property.JsonName, currency, depth, errors);
        }
    }

    private static void CheckValue(object item, string path, string field, string? currency, int depth, IDictionary<string, string[]> errors)
    {
        switch (item)
        {
            case string text:
                CheckText(path, field, text, errors);
                break;
            case Enum choice when !Enum.IsDefined(choice.GetType(), choice):
                errors[path] = [$"One of: {string.Join(", ", Enum.GetNames(choice.GetType()))}."];
                break;
            case Enum or bool or TimeOnly or Guid:
                break;
            case int or long or short:
                CheckNumber(path, field, Convert.ToInt64(item, CultureInfo.InvariantCulture), errors);
                break;
            case decimal money:
                CheckMoney(path, field, money, currency, errors);
                break;
            case DateTimeOffset time when time < InputLimits.EarliestTime || time >= InputLimits.LatestTime:
                errors[path] = [$"Between {InputLimits.EarliestTime:yyyy-MM-dd} and {InputLimits.LatestTime:yyyy-MM-dd}."];
                break;
            case DateTimeOffset:
                break;
            case IEnumerable list:
                CheckList(list, path, field, currency, depth, errors);
                break;
            default:
                Walk(item, path, currency, depth + 1, errors);
                break;
        }
    }

    private static void CheckList(IEnumerable list, string path, string field, string? currency, int depth, IDictionary<string, string[]> errors)
    {
        var max = InputLimits.ListLengths.GetValueOrDefault(field, InputLimits.DefaultListLength);
        var index = 0;
        foreach (var element in list)
        {
            if (index == max)
            {
                errors[path] = [$"At most {max} items."];
                return;
            }

            var elementPath = $"{path}[{index++}]";
            if (element is null)
            {
                errors[path] = ["Must not contain null items."];
                return;
            }

            CheckValue(element, elementPath, field, currency, depth + 1, errors);
        }
    }

    private static void CheckNumber(string path, string field, long value, IDictionary<string, string[]> errors)
    {
        var limit = InputLimits.NumberOf(field);
        if (value < limit.Min || value > limit.Max)
        {
            errors[path] = [$"Between {limit.Min} and {limit.Max}."];
        }
    }

    private static void CheckMoney(string path, string field, decimal value, string? currency, IDictionary<string, string[]> errors)
    {
        var digits = InputLimits.MinorUnits(currency);
        if (value < 0 || value > InputLimits.MaxMoney)
        {
            errors[path] = [$"Between 0 and {InputLimits.MaxMoney.ToString(CultureInfo.InvariantCulture)}."];
        }
        else if (decimal.Round(value, digits) != value)
        {
            errors[path] = [$"At most {digits} digits after the point{(currency is null ? "" : $" for {currency}")}."];
        }
    }

    private static Property[] PropertiesOf(Type type) => PropertiesByType.GetOrAdd(type, static t =>
    {
        var nullability = new NullabilityInfoContext();
        return
        [
            .. t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod is not null && p.GetCustomAttribute<System.Text.Json.Serialization.JsonIgnoreAttribute>() is null)
                .Select(p => new Property(p, JsonNameOf(p.Name), nullability.Create(p).ReadState != NullabilityState.NotNull)),
        ];
    });

    private static string JsonNameOf(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    private sealed record Property(PropertyInfo Info, string JsonName, bool Nullable);
}
