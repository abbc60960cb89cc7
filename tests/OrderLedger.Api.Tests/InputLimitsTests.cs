using System.Collections;
using System.Reflection;
using OrderLedger.Api.Commands;
using OrderLedger.Api.Validation;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>Keeps the limits table complete: a new number field in a command body must get its own range.</summary>
public sealed class InputLimitsTests
{
    [Fact]
    public void Every_number_in_every_command_body_has_its_own_range()
    {
        var bodies = typeof(CommandBody).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(CommandBody)) && !t.IsAbstract).ToList();
        var numbers = bodies.SelectMany(b => NumberFields(b, depth: 0)).Distinct().ToList();

        Assert.True(bodies.Count >= 30, $"only {bodies.Count} command bodies found");
        Assert.NotEmpty(numbers);
        Assert.All(numbers, field => Assert.True(
            InputLimits.Numbers.ContainsKey(field) || InputLimits.Money.Contains(field), $"'{field}' has no entry in InputLimits.Numbers or InputLimits.Money"));
    }

    [Theory]
    [InlineData("hello", false, false)]
    [InlineData("two\nlines", true, false)]
    [InlineData("two\nlines", false, true)]
    [InlineData("nul\u0000", true, true)]
    [InlineData("del\u007f", true, true)]
    [InlineData("c1\u0085", true, true)]
    [InlineData("emoji \U0001F600", false, false)]
    public void Text_is_refused_for_control_characters_and_lone_surrogates(string text, bool multiline, bool refused) =>
        Assert.Equal(refused, InputValidator.HasForbiddenCharacter(text, multiline));

    // Built here: a lone surrogate in attribute data does not survive the trip to the test runner.
    [Fact]
    public void Lone_surrogates_are_refused_even_in_prose()
    {
        Assert.True(InputValidator.HasForbiddenCharacter("lone " + '\ud800', multiline: true));
        Assert.True(InputValidator.HasForbiddenCharacter("lone " + '\udc00' + " low", multiline: true));
        Assert.True(InputValidator.HasForbiddenCharacter(new string(['\udc00', '\ud800']), multiline: true));
    }

    private static IEnumerable<string> NumberFields(Type type, int depth)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var name = char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
            if (propertyType == typeof(int) || propertyType == typeof(long) || propertyType == typeof(decimal))
            {
                yield return name;
            }
            else if (depth < 4 && propertyType != typeof(string) && propertyType.Namespace?.StartsWith("OrderLedger", StringComparison.Ordinal) == true && !propertyType.IsEnum)
            {
                foreach (var nested in NumberFields(propertyType, depth + 1))
                {
                    yield return nested;
                }
            }
            else if (depth < 4 && propertyType.IsGenericType && typeof(IEnumerable).IsAssignableFrom(propertyType)
                     && propertyType.GetGenericArguments()[0] is { Namespace: not null } element && element.Namespace.StartsWith("OrderLedger", StringComparison.Ordinal))
            {
                foreach (var nested in NumberFields(element, depth + 1))
                {
                    yield return nested;
                }
            }
        }
    }
}
