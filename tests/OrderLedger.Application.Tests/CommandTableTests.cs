using OrderLedger.Domain;

namespace OrderLedger.Application.Tests;

/// <summary>The command table covers every command of the domain once, and docs/domain.md shows it as it is.</summary>
public class CommandTableTests
{
    private static readonly Type[] Commands =
        [.. typeof(IDomainCommand).Assembly.GetTypes().Where(t => !t.IsAbstract && typeof(IDomainCommand).IsAssignableFrom(t)).OrderBy(t => t.Name)];

    [Fact]
    public void Every_command_type_of_the_domain_finds_exactly_one_row()
    {
        Assert.NotEmpty(Commands);
        Assert.Equal(CommandTable.Rows.Count, CommandTable.Rows.Select(r => r.Command).Distinct().Count());
        Assert.All(Commands, command => Assert.True(CommandTable.For(command) is not null, $"{command.Name} has no row in the command table."));
    }

    [Fact]
    public void Every_row_is_the_row_of_some_command()
    {
        var used = Commands.Select(CommandTable.For).ToHashSet();

        Assert.All(CommandTable.Rows, row => Assert.True(used.Contains(row), $"No command takes the row of {row.Command.Name}."));
    }

    [Fact]
    public void A_type_that_is_no_command_finds_no_row() =>
        Assert.Null(CommandTable.For(typeof(string)));

    [Fact]
    public void Docs_domain_shows_the_table_as_it_is()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "OrderLedger.sln")))
        {
            dir = dir.Parent;
        }

        var doc = File.ReadAllText(Path.Combine(dir.FullName, "docs", "domain.md")).ReplaceLineEndings("\n");

        Assert.Contains("```text\n" + CommandTable.Describe() + "```", doc, StringComparison.Ordinal);
    }
}
