using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using OrderLedger.EventStore.Postgres;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Cli.Tests;

/// <summary><c>OrderLedger.Projector</c>'s verbs are <c>ledger projections</c>'s: same table, same flags, same exit codes.</summary>
public sealed class ProjectorCliTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    /// <summary>An event log as the first start of any host leaves it: migrated, empty.</summary>
    public async Task InitializeAsync() =>
        await (await PostgresEventStore.OpenAsync(new PostgresEventStoreOptions { ConnectionString = database.ConnectionString })).DisposeAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<CliRun> Projector(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await ProjectorCli.RunAsync(args, output, error);
        return new CliRun(exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Status_prints_the_ledger_table_and_exit_code()
    {
        var ledger = await CliHarness.Run("projections", "status", "--connection", database.ConnectionString);
        var projector = await Projector("status", "--connection", database.ConnectionString);

        Assert.True(projector.ExitCode == 0, projector.Error);
        Assert.Equal(ledger.ExitCode, projector.ExitCode);
        Assert.Equal(ledger.Output, projector.Output);
    }

    [Fact]
    public async Task Rebuild_takes_the_same_wait_flag_and_fails_the_same_way_with_no_projector_running()
    {
        var run = await Projector("rebuild", "refunds", "--wait", "--connection", database.ConnectionString);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("OrderLedger.Projector rebuild: no projector is running refunds", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("status")]
    [InlineData("rebuild")]
    [InlineData("resume")]
    public async Task Every_verb_answers_help_with_exit_0(string verb)
    {
        var run = await Projector(verb, "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith($"usage: OrderLedger.Projector {verb}", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("explode")]
    [InlineData("rebuild")]
    [InlineData("rebuild", "orders", "--no-wait")]
    [InlineData("status", "extra")]
    public async Task Usage_mistakes_are_one_line_and_exit_2(params string[] args)
    {
        var run = await Projector([.. args, "--connection", database.ConnectionString]);

        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.StartsWith("OrderLedger.Projector", run.Error, StringComparison.Ordinal);
    }
}

/// <summary>Changes the process's current directory, so it runs alone (no other test class beside it).</summary>
[CollectionDefinition(nameof(ProjectorHostTests), DisableParallelization = true)]
[Collection(nameof(ProjectorHostTests))]
public sealed class ProjectorHostTests
{
    [Fact]
    public void Run_reads_the_settings_beside_the_executable_from_any_directory_and_watches_only_that_folder()
    {
        var started = Environment.CurrentDirectory;
        var elsewhere = Directory.CreateTempSubdirectory("projector-cwd-");
        try
        {
            Environment.CurrentDirectory = elsewhere.FullName;
            var builder = ProjectorCli.CreateHostBuilder(["--Projections:Only=orders"]);

            var beside = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);
            Assert.Equal(beside, Path.TrimEndingDirectorySeparator(builder.Environment.ContentRootPath));
            var settings = Assert.Single(builder.Configuration.Sources.OfType<JsonConfigurationSource>(), s => s.Path == "appsettings.json");
            Assert.Equal(beside, Path.TrimEndingDirectorySeparator(((PhysicalFileProvider)settings.FileProvider!).Root));
            Assert.Equal("orders", builder.Configuration["Projections:Only"]);
        }
        finally
        {
            Environment.CurrentDirectory = started;
            elsewhere.Delete(recursive: true);
        }
    }
}
