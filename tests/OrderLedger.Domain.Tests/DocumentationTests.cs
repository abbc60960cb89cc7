using System.Text.RegularExpressions;
using OrderLedger.Domain.Alerts;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Inbox;
using OrderLedger.Domain.Orders;
using OrderLedger.Domain.Refunds;
using OrderLedger.Domain.Roster;
using OrderLedger.Domain.Shipments;
using OrderLedger.Domain.Stock;
using OrderLedger.Domain.Stores;
using OrderLedger.Domain.WorkOrders;

namespace OrderLedger.Domain.Tests;

/// <summary>Keeps docs/domain.md and the registry honest: nothing in the code goes undocumented or unregistered.</summary>
public partial class DocumentationTests
{
    private static readonly Type[] EventBases = [typeof(StoreEvent), typeof(WarehouseEvent), typeof(StockEvent), typeof(OrderEvent), typeof(ShipmentEvent), typeof(RefundEvent), typeof(ConversationEvent), typeof(AlertEvent), typeof(InboxEvent), typeof(RosterEvent), typeof(TicketEvent)];
    private static readonly Type[] CommandBases = [typeof(StoreCommand), typeof(StockCommand), typeof(OrderCommand), typeof(ShipmentCommand), typeof(RefundCommand), typeof(ConversationCommand), typeof(AlertCommand), typeof(RosterCommand), typeof(WorkOrderCommand), typeof(ConversationWorkOrderCommand)];

    private static IEnumerable<Type> ConcreteSubtypes(Type[] bases) =>
        typeof(Decider<,,>).Assembly.GetTypes().Where(t => !t.IsAbstract && bases.Any(b => b.IsAssignableFrom(t)));

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "OrderLedger.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("OrderLedger.sln not found above " + AppContext.BaseDirectory);
    }

    private static string Doc() => File.ReadAllText(Path.Combine(RepoRoot(), "docs", "domain.md"));

    [Fact]
    public void Every_event_type_is_registered_once_under_its_stream_category()
    {
        var registry = DomainEventTypes.CreateRegistry();
        var events = ConcreteSubtypes(EventBases).ToList();

        Assert.Equal(events.Count, registry.TypeNames.Count);
        foreach (var type in events)
        {
            var name = registry.TypeNameOf(type);
            var category = EventBases.Single(b => b.IsAssignableFrom(type)).Name.Replace("Event", "", StringComparison.Ordinal).ToLowerInvariant();
            Assert.StartsWith(category + "-", name, StringComparison.Ordinal);
            Assert.Matches("^[a-z]+(-[a-z]+)+$", name);
        }
    }

    [Fact]
    public void Every_event_type_is_documented()
    {
        var doc = Doc();
        Assert.All(DomainEventTypes.CreateRegistry().TypeNames, name => Assert.Contains($"`{name}`", doc, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_command_is_documented()
    {
        var doc = Doc();
        Assert.All(ConcreteSubtypes(CommandBases), type => Assert.Contains($"`{type.Name}`", doc, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_command_has_a_given_when_then_specification()
    {
        var specs = string.Concat(Directory.EnumerateFiles(Path.Combine(RepoRoot(), "tests", "OrderLedger.Domain.Tests", "Specs"), "*Specs.cs").Select(File.ReadAllText));
        Assert.All(ConcreteSubtypes(CommandBases), type => Assert.Contains($"new {type.Name}(", specs, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_rule_id_in_the_code_is_documented()
    {
        var doc = Doc();
        var root = RepoRoot();
        var rules = new[] { "src/OrderLedger.Domain", "src/OrderLedger.Application" }
            .SelectMany(dir => Directory.EnumerateFiles(Path.Combine(root, dir), "*.cs", SearchOption.AllDirectories))
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(path => RuleLiteral().Matches(File.ReadAllText(path)).Select(m => m.Groups[1].Value))
            .Distinct()
            .ToList();

        Assert.True(rules.Count > 80, $"only {rules.Count} rule ids found; is the pattern still right?");
        Assert.All(rules, rule => Assert.Contains($"`{rule}`", doc, StringComparison.Ordinal));
    }

    [GeneratedRegex("\"((?:store|stock|order|payment|shipment|refund|conversation|nps|concurrency|command|alert|roster|escalation)\\.[a-z-]+)\"")]
    private static partial Regex RuleLiteral();
}
