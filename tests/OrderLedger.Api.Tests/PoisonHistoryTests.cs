using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Orders;
using OrderLedger.EventStore;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Projections.Runtime;
using OrderLedger.Testing;
using Xunit;

namespace OrderLedger.Api.Tests;

/// <summary>
/// History from an older build: events whose text holds NUL, written straight through the store port (the one case
/// where writing into the log is the point — the API now refuses such input). No projection of the product may fault
/// on them, none needs to park them, and the read models show the text with U+FFFD where the NUL was.
/// </summary>
public sealed class PoisonHistoryTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task Events_with_NUL_text_already_in_the_log_fault_no_projection_and_read_back_sanitized()
    {
        var shop = await Scenario.StoreWithStockAsync(host.Client);
        var orderId = "ord-" + Guid.NewGuid().ToString("N")[..10];
        var conversationId = "cv-" + Guid.NewGuid().ToString("N")[..10];
        var now = DateTimeOffset.UtcNow;
        var address = new PostalAddress("Ann\u0000", "1 Main St", "Springfield", "12345", "north", "US", Phone: "555\u00000100");
        await AppendOldHistoryAsync(StreamIds.Order(orderId), shop.StoreId, now,
            new OrderPlaced(orderId, shop.StoreId, "c\u00001", "web\u0000", "EUR", [new OrderLine("SKU-1", 1, 10m)], 10m, address, now.AddHours(1), now));
        await AppendOldHistoryAsync(StreamIds.Conversation(conversationId), shop.StoreId, now,
            new ConversationStarted(conversationId, shop.StoreId, "c\u00001", "chat\u0000", orderId, ConversationMode.Human, now),
            new CustomerMessageReceived(conversationId, "m-1", "hello\u0000world", now));

        var admin = host.Services.GetRequiredService<IProjectionAdmin>();
        var statuses = await Eventually.Get(
            () => admin.GetStatusAsync(),
            all => all.All(s => s.State == ProjectionState.Live && s.Checkpoint == s.Head),
            TimeSpan.FromSeconds(60),
            "every projection caught up");

        Assert.All(statuses, s => Assert.True(s.LastError is null && s.Parked == 0, $"{s.Name}: error {s.LastError?.Message}, parked {s.Parked}"));
        var order = await host.Client.GetFromJsonAsync<JsonElement>($"/api/orders/{orderId}");
        Assert.Equal("c\uFFFD1", order.GetProperty("customerId").GetString());
        var conversation = await host.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}");
        Assert.Equal("c\uFFFD1", conversation.GetProperty("customerId").GetString());
    }

    private async Task AppendOldHistoryAsync(string streamId, string storeId, DateTimeOffset at, params object[] events)
    {
        var codec = host.Services.GetRequiredService<EventCodec>();
        var context = new CommandContext("old-build-" + Guid.NewGuid().ToString("N"), Actor.System("old-build"), at, storeId);
        await host.Services.GetRequiredService<IEventStore>().AppendAsync(streamId, ExpectedRevision.NoStream, codec.Encode(events, context, new ChainTip(streamId, null, null)));
    }
}
