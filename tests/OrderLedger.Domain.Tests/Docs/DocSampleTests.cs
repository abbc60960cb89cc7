using System.Text.RegularExpressions;

namespace OrderLedger.Domain.Tests.Docs;

/// <summary>
/// Every C# block in the docs is a copy of compiled, tested code: the line <c>&lt;!-- sample: PATH#NAME --&gt;</c> before
/// the block names a file and the <c>#region sample: NAME</c> in it, and the block must equal that region (indentation
/// aside). So a sample can neither rot nor be edited by hand on one side only.
/// </summary>
public sealed partial class DocSampleTests
{
    private static readonly string Root = FindRepositoryRoot();

    public static TheoryData<string> DocumentsWithCode()
    {
        var documents = new TheoryData<string>();
        foreach (var path in MarkdownFiles())
        {
            documents.Add(Path.GetRelativePath(Root, path));
        }

        return documents;
    }

    [Theory]
    [MemberData(nameof(DocumentsWithCode))]
    public void Every_csharp_block_names_its_source_and_equals_it(string document)
    {
        var lines = File.ReadAllLines(Path.Combine(Root, document));
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() is not ("```csharp" or "```cs" or "```c#"))
            {
                continue;
            }

            var marker = PreviousNonEmpty(lines, i) is { } previous ? SampleMarker().Match(previous) : Match.Empty;
            Assert.True(marker.Success, $"{document}:{i + 1}: a C# block without '<!-- sample: PATH#NAME -->' on the line before it.");
            var end = Array.FindIndex(lines, i + 1, l => l.Trim() == "```");
            Assert.True(end > i, $"{document}:{i + 1}: the block is never closed.");

            var block = Dedent(lines[(i + 1)..end]);
            var region = Region(marker.Groups["path"].Value, marker.Groups["name"].Value, $"{document}:{i + 1}");
            Assert.True(
                block == region,
                $"{document}:{i + 1} differs from {marker.Groups["path"].Value}#{marker.Groups["name"].Value}.\n--- doc\n{block}\n--- source\n{region}");
            i = end;
        }
    }

    [Fact]
    public void The_check_sees_the_samples_of_the_docs()
    {
        var markers = MarkdownFiles().SelectMany(File.ReadAllLines).Count(l => SampleMarker().IsMatch(l));

        Assert.True(markers >= 5, $"only {markers} sample markers found under {Root}");
    }

    [Fact]
    public void A_block_that_differs_from_its_region_is_reported()
    {
        Assert.NotEqual(Dedent(["    int x = 1;"]), Dedent(["    int x = 2;"]));
        Assert.Equal(Dedent(["        a();", "            b();"]), Dedent(["a();", "    b();"]));
    }

    private static string Region(string path, string name, string where)
    {
        var full = Path.Combine(Root, path);
        Assert.True(File.Exists(full), $"{where}: names {path}, which does not exist.");
        var lines = File.ReadAllLines(full);
        var start = Array.FindIndex(lines, l => l.Trim() == $"#region sample: {name}");
        Assert.True(start >= 0, $"{where}: {path} has no '#region sample: {name}'.");
        var end = Array.FindIndex(lines, start + 1, l => l.Trim().StartsWith("#endregion", StringComparison.Ordinal));
        Assert.True(end > start, $"{where}: the region '{name}' in {path} is never closed.");
        return Dedent(lines[(start + 1)..end]);
    }

    private static string Dedent(string[] lines)
    {
        var indent = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..].TrimEnd() : l.Trim())).Trim('\n');
    }

    private static string? PreviousNonEmpty(string[] lines, int index)
    {
        for (var i = index - 1; i >= 0; i--)
        {
            if (lines[i].Trim().Length > 0)
            {
                return lines[i];
            }
        }

        return null;
    }

    private static IEnumerable<string> MarkdownFiles() =>
        Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md").Append(Path.Combine(Root, "README.md")).Order(StringComparer.Ordinal);

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OrderLedger.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No OrderLedger.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"<!--\s*sample:\s*(?<path>[^#\s]+)#(?<name>[\w.-]+)\s*-->")]
    private static partial Regex SampleMarker();
}
