using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;
using OrderLedger.Hosting;
using OrderLedger.Testing;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace OrderLedger.Web.Tests;

/// <summary>
/// Issue 17, the agents' workstation: a day's work from the page alone (claim → reply → approve a refund → resolve),
/// each action showing the server's answer, an error shown as its ProblemDetails; the search forms; the audit page; a
/// 403 that stops polling and a 401 that sends the user to sign in; a phone-sized screen.
/// </summary>
public sealed class WorkstationPageTests(WebHost host, ITestOutputHelper output) : IClassFixture<WebHost>
{
    private const string LongQuestion =
        "您好，我上周买的两件商品还没有收到，物流信息一直停在上海转运中心。请帮我查一下包裹在哪里，如果找不到的话我想申请退款。" +
        "Hello, the parcel from last week has not arrived; tracking has been stuck at the Shanghai hub for days. Please check where it is.";

    /// <summary>A buyer with a paid, shipped order, a refund staff asked for (so no rule approves it) and a question waiting 10 minutes.</summary>
    private async Task<(Shop Shop, string OrderId, string ShipmentId, string RefundId, string ConversationId)> BuyerWaitingAsync(string customerId)
    {
        var shop = await Shop.OpenAsync(host.Admin);
        await shop.PostAsync($"/api/stores/{shop.StoreId}/policies/sla-targets", new { firstReplySeconds = 300, resolutionHours = 24, npsSurveyDelayDays = 7 });
        var orderId = await shop.PaidOrderAsync(customerId, phone: "+86 165-7314-7273");
        var shipmentId = await shop.ShippedAsync(orderId);
        var refundId = "rf-" + Guid.NewGuid().ToString("N")[..8];
        await shop.PostAsync($"/api/refunds/{refundId}", new
        {
            orderId, storeId = shop.StoreId, customerId, kind = "RefundOnly", reason = "parcel late",
            lines = new[] { new { sku = "SKU-1", quantity = 1, amount = 10.0m } },
        });
        var conversationId = "cv-" + Guid.NewGuid().ToString("N")[..8];
        var askedAt = DateTimeOffset.UtcNow.AddMinutes(-10);
        await shop.PostAsync($"/api/conversations/{conversationId}", new { storeId = shop.StoreId, customerId, channel = "chat", orderId, occurredAt = askedAt });
        await shop.PostAsync($"/api/conversations/{conversationId}/messages", new { text = LongQuestion, occurredAt = askedAt });
        await host.CaughtUpAsync();
        return (shop, orderId, shipmentId, refundId, conversationId);
    }

    private static async Task ExpectAnswerAsync(IPage page, string state, string text)
    {
        await Expect(page.Locator($"#answer[data-state='{state}']")).ToContainTextAsync(text);
    }

    [Fact]
    public async Task An_agent_works_a_day_from_the_page_alone_claim_reply_approve_a_refund_resolve()
    {
        var (shop, orderId, _, refundId, conversationId) = await BuyerWaitingAsync("cust-day");
        var page = await host.SignedInAsync(Roles.Agent, shop.StoreId);
        var clock = Stopwatch.StartNew();
        await page.GotoAsync("/console.html");

        var queued = page.Locator($"#queue tbody tr[data-conversation='{conversationId}']");
        await Expect(queued).ToBeVisibleAsync();
        output.WriteLine($"queue first shown {clock.ElapsedMilliseconds} ms after navigation");
        await Expect(queued.Locator("td").Nth(5)).ToHaveTextAsync("breached");
        await Expect(queued.Locator("td").Nth(2)).ToHaveTextAsync("cust-day");
        await Accessibility.AssertNoViolationsAsync(page);

        clock.Restart();
        await queued.GetByRole(AriaRole.Button, new() { Name = $"Open {conversationId}" }).ClickAsync();
        await Expect(page.Locator("#transcript li[data-kind='customer'] p")).ToHaveTextAsync(LongQuestion);
        await Expect(page.Locator("#profile dd[data-fact='buyer.phone']")).ToHaveTextAsync("+86 165-7314-7273");
        await Expect(page.Locator("#timeline tbody tr").First).ToBeVisibleAsync();
        output.WriteLine($"conversation, buyer profile and timeline shown {clock.ElapsedMilliseconds} ms after the click");
        await Expect(page.Locator("#profile dd[data-fact='buyer.paid']")).ToHaveTextAsync("20.00 EUR");
        await Expect(page.Locator("#profile dd[data-fact='buyer.tier']")).ToHaveTextAsync("Regular (net paid in 12 months 20.00)"); // the store has no VIP rule
        await Expect(page.Locator("#orders tbody tr td:first-child")).ToHaveTextAsync(orderId);

        // Replying before anyone claimed it: the server refuses, and the page says what its ProblemDetails say.
        await page.GetByLabel("Reply to the customer").FillAsync("Let me check that for you.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send reply" }).ClickAsync();
        await ExpectAnswerAsync(page, "error", "Send reply: conversation.");
        var refused = await page.Locator("#answer").TextContentAsync();
        output.WriteLine($"refused reply shown as: {refused}");

        await page.Locator("#conversation").GetByRole(AriaRole.Button, new() { Name = "Claim", Exact = true }).ClickAsync();
        await ExpectAnswerAsync(page, "ok", "conversation-agent-assigned");
        await Expect(page.Locator("#conversation-facts dd[data-fact='conv.agent']")).ToHaveTextAsync("agent-user");

        await page.GetByRole(AriaRole.Button, new() { Name = "Send reply" }).ClickAsync();
        await ExpectAnswerAsync(page, "ok", "conversation-agent-replied");
        await Expect(page.Locator("#transcript li[data-kind='agent'] p")).ToHaveTextAsync("Let me check that for you.");
        await Expect(queued).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Button, new() { Name = $"Approve {refundId}" }).ClickAsync();
        await ExpectAnswerAsync(page, "ok", "refund-approved");
        await Expect(page.Locator($"#refunds tr[data-refund='{refundId}'] td:nth-child(4)")).ToHaveTextAsync("approved");

        // The customer writes again while the page is open: it appears without a reload.
        await shop.PostAsync($"/api/conversations/{conversationId}/messages", new { text = "Thank you!" });
        await Expect(page.Locator("#transcript li[data-kind='customer'] p").Last).ToHaveTextAsync("Thank you!", new() { Timeout = 10_000 });

        await page.GetByRole(AriaRole.Button, new() { Name = "Resolve" }).ClickAsync();
        await ExpectAnswerAsync(page, "ok", "conversation-resolved");
        await Expect(page.Locator("#conversation-facts dd[data-fact='conv.status']")).ToHaveTextAsync("resolved");
        var state = await WebHost.GetAsync<JsonElement>(host.Admin, $"/api/refunds/{refundId}");
        Assert.Equal("approved", state.GetProperty("status").GetString());
        await Accessibility.AssertNoViolationsAsync(page);
        await Screenshots.SaveAsync(page, "workstation");

        await page.GetByLabel("Language").SelectOptionAsync("zh");
        await Expect(page.Locator("#conversation").GetByRole(AriaRole.Button, new() { Name = "解决" })).ToBeVisibleAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Screenshots.SaveAsync(page, "workstation-zh");
    }

    [Fact]
    public async Task An_agent_opens_a_work_order_from_the_conversation_and_the_transcript_shows_it()
    {
        var (shop, _, _, _, conversationId) = await BuyerWaitingAsync("cust-wo");
        await shop.PostAsync($"/api/stores/{shop.StoreId}/departments/logistics", new { ownerId = "owner-1", directorId = "director-1" });
        var page = await host.SignedInAsync(Roles.Agent, shop.StoreId);
        await page.GotoAsync("/console.html");
        await page.Locator($"#queue tbody tr[data-conversation='{conversationId}']").GetByRole(AriaRole.Button, new() { Name = $"Open {conversationId}" }).ClickAsync();

        // A department the store does not have: the server refuses, the page says so, nothing is opened.
        await page.GetByLabel("Department", new() { Exact = true }).FillAsync("finance");
        await page.GetByLabel("What the department should do").FillAsync("Trace the parcel with the carrier");
        await page.GetByRole(AriaRole.Button, new() { Name = "Open work order" }).ClickAsync();
        await ExpectAnswerAsync(page, "error", "Open work order: work-order.unknown-department");

        await page.GetByLabel("Department", new() { Exact = true }).FillAsync("logistics");
        await page.GetByRole(AriaRole.Button, new() { Name = "Open work order" }).ClickAsync();
        await ExpectAnswerAsync(page, "ok", "ticket-opened");
        await Expect(page.Locator("#transcript li[data-kind='work-order-opened'] p")).ToContainTextAsync("Work order opened: logistics");
        await Expect(page.Locator("#transcript li[data-kind='work-order-opened'] p")).ToContainTextAsync("Trace the parcel with the carrier");
        await Expect(page.GetByLabel("What the department should do")).ToHaveValueAsync("");

        var orders = await Eventually.Get(
            () => WebHost.GetAsync<JsonElement>(host.Admin, $"/api/stores/{shop.StoreId}/work-orders"),
            all => all.GetArrayLength() > 0, TimeSpan.FromSeconds(30), "the work order in the read model");
        var opened = Assert.Single(orders.EnumerateArray());
        Assert.Equal(conversationId, opened.GetProperty("conversationId").GetString());
        Assert.Equal("owner-1", opened.GetProperty("assignedTo").GetString());
        await Accessibility.AssertNoViolationsAsync(page);
        await Screenshots.SaveAsync(page, "workstation-work-order");
    }

    [Fact]
    public async Task An_agent_classifies_the_conversation_and_the_page_shows_the_servers_refusal_then_the_classification()
    {
        var (shop, _, _, _, conversationId) = await BuyerWaitingAsync("cust-cls");
        var page = await host.SignedInAsync(Roles.Agent, shop.StoreId);
        await page.GotoAsync("/console.html");
        await page.Locator($"#queue tbody tr[data-conversation='{conversationId}']").GetByRole(AriaRole.Button, new() { Name = $"Open {conversationId}" }).ClickAsync();
        await Expect(page.Locator("#conversation-facts dd[data-fact='conv.category']")).ToHaveTextAsync("Not classified");

        // Two tags alike but for case: the server refuses, the page shows its rule.
        await page.GetByLabel("Category", new() { Exact = true }).SelectOptionAsync("Logistics");
        await page.GetByLabel("This is a complaint").CheckAsync();
        await page.GetByLabel("Tags (comma-separated, at most 10)").FillAsync("late, Late");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save classification" }).ClickAsync();
        await ExpectAnswerAsync(page, "error", "Save classification: classification.tag-duplicate");

        await page.GetByLabel("Tags (comma-separated, at most 10)").FillAsync("late, SF Express");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save classification" }).ClickAsync();
        await ExpectAnswerAsync(page, "ok", "conversation-classified");
        await Expect(page.Locator("#conversation-facts dd[data-fact='conv.category']")).ToHaveTextAsync("Logistics", new() { Timeout = 10_000 });
        await Expect(page.Locator("#conversation-facts dd[data-fact='conv.complaint']")).ToHaveTextAsync("yes");
        await Expect(page.Locator("#conversation-facts dd[data-fact='conv.tags']")).ToHaveTextAsync("late, SF Express");
        // The buyer's profile gathers the tags of their conversations, with how many carry each (ties in code point order).
        await Expect(page.Locator("#profile dd[data-fact='buyer.tags']")).ToHaveTextAsync("SF Express ×1 · late ×1", new() { Timeout = 10_000 });
        await Accessibility.AssertNoViolationsAsync(page);
        await Screenshots.SaveAsync(page, "workstation-classification");

        await page.GetByLabel("Language").SelectOptionAsync("zh");
        await Expect(page.Locator("#conversation-facts dd[data-fact='conv.category']")).ToHaveTextAsync("物流", new() { Timeout = 10_000 });
        await Expect(page.Locator("#profile dt").Filter(new() { HasText = "标签（会话数）" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_search_finds_by_name_phone_forms_order_id_and_tracking_number_and_says_so_when_nothing_matches()
    {
        var shop = await Shop.OpenAsync(host.Admin);
        var orderId = await shop.PaidOrderAsync("cust-find", phone: "16573147273");
        var shipmentId = await shop.ShippedAsync(orderId);
        await host.CaughtUpAsync();
        var page = await host.SignedInAsync(Roles.Agent, shop.StoreId);
        await page.GotoAsync("/console.html");
        var title = page.Locator("#customer-title");

        foreach (var (by, value) in new[] { ("phone", "+86 165-7314-7273"), ("phone", "7273"), ("order", orderId.ToUpperInvariant()), ("tracking", "1z-" + shipmentId), ("name", "ann"), ("any", "165 7314 7273") })
        {
            await page.GetByLabel("Find by").SelectOptionAsync(by);
            await page.GetByLabel("Value").FillAsync(value);
            await page.GetByRole(AriaRole.Button, new() { Name = "Find", Exact = true }).ClickAsync();
            await Expect(title).ToHaveTextAsync($"Customer cust-find — store {shop.StoreId}");
            await page.EvaluateAsync("document.getElementById('customer-title').textContent = ''");
        }

        await page.GetByLabel("Find by").SelectOptionAsync("customer");
        await page.GetByLabel("Value").FillAsync("cust-nobody");
        await page.GetByRole(AriaRole.Button, new() { Name = "Find", Exact = true }).ClickAsync();
        var notice = page.GetByRole(AriaRole.Status);
        await Expect(notice).ToHaveTextAsync($"No customer of store {shop.StoreId} matches customer id cust-nobody.");
        await Expect(notice).ToHaveClassAsync("info");
        await Expect(page.Locator("#customer")).ToBeHiddenAsync();
        await Expect(page.Locator("#older")).ToBeHiddenAsync();

        // A link to an unknown customer opens no empty profile either.
        await page.GotoAsync($"/console.html?store={shop.StoreId}&customer=cust-nobody");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("No customer");
        await Expect(page.Locator("#customer")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task An_auditor_follows_a_timeline_source_to_the_audit_page_with_states_as_of_a_time_and_verification()
    {
        var shop = await Shop.OpenAsync(host.Admin);
        var orderId = await shop.PaidOrderAsync("cust-audit");
        await host.CaughtUpAsync();
        var history = await WebHost.GetAsync<JsonElement>(host.Admin, $"/api/history/order-{orderId}");
        var steps = history.GetProperty("steps").EnumerateArray().ToList();
        var page = await host.SignedInAsync(Roles.Auditor, shop.StoreId);
        await page.GotoAsync($"/console.html?store={shop.StoreId}&customer=cust-audit");

        await page.Locator("#timeline tbody tr").Last.GetByRole(AriaRole.Link).ClickAsync();

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/audit\\.html\\?stream=order-{orderId}&revision=0$"));
        await Expect(page.Locator("#steps tbody tr")).ToHaveCountAsync(steps.Count);
        await Expect(page.Locator("#steps tbody tr td:nth-child(3)")).ToHaveTextAsync(steps.Select(s => s.GetProperty("type").GetString()!).ToArray());
        await Expect(page.Locator("#steps tbody tr.target")).ToHaveAttributeAsync("data-revision", "0");
        await Expect(page.Locator("#verdict")).ToHaveTextAsync($"Chain intact: {steps.Count} events checked, no broken link.");
        await Expect(page.Locator("#steps tbody tr").First.Locator("td").Nth(1)).ToContainTextAsync(" UTC");

        // As of a second after the last event (the field takes whole seconds): the state after that last event.
        var last = steps[^1];
        output.WriteLine($"history: {string.Join(", ", steps.Select(s => $"{s.GetProperty("revision")} {s.GetProperty("type")}"))}");
        var lastAt = last.GetProperty("occurredAt").GetDateTimeOffset().UtcDateTime;
        var justAfter = new DateTime(lastAt.Ticks - (lastAt.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc).AddSeconds(1);
        // The field's normalized value omits ":00" seconds, and Playwright refuses a value the field would rewrite
        // ("Malformed value"): the test failed whenever the second after the last event began a new minute.
        var asOf = justAfter.ToString(justAfter.Second == 0 ? "yyyy-MM-ddTHH:mm" : "yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        await page.GetByLabel("As of").FillAsync(asOf);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        var lastRevision = last.GetProperty("revision").GetUInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Expect(page.Locator("#as-of")).ToContainTextAsync($"after revision {lastRevision} ({last.GetProperty("type").GetString()})");
        await Expect(page.Locator("#steps tbody tr.as-of")).ToHaveAttributeAsync("data-revision", lastRevision);
        await Accessibility.AssertNoViolationsAsync(page);
        await Screenshots.SaveAsync(page, "audit");

        var agent = await host.SignedInAsync(Roles.Agent, shop.StoreId);
        await agent.GotoAsync($"/audit.html?stream=order-{orderId}");
        await Expect(agent.GetByRole(AriaRole.Alert)).ToContainTextAsync("it needs a token with the role auditor or supervisor or data or admin");
        await Expect(agent.Locator("#history")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_403_names_the_roles_and_stops_polling_and_a_401_sends_the_user_to_sign_in()
    {
        var page = await host.SignedInAsync(Roles.Agent, "store-a");
        var polls = 0;
        page.Request += (_, request) => polls += request.Url.EndsWith("/api/projections", StringComparison.Ordinal) ? 1 : 0;
        await page.GotoAsync("/projections.html");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("it needs a token with the role data or admin, valid for every store (*). Live updates stopped.");
        await page.WaitForTimeoutAsync(5_000);
        Assert.Equal(1, polls);

        await page.EvaluateAsync("sessionStorage.setItem('orderledger.token', 'not-a-token')");
        await page.GotoAsync("/console.html");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/\\?next=%2Fconsole\\.html$"));
        await Expect(page.GetByLabel("Bearer token")).ToBeVisibleAsync();
        Assert.Equal(200, (await page.APIRequest.GetAsync("/favicon.ico")).Status);
    }

    [Fact]
    public async Task On_a_390_px_phone_the_timeline_s_what_happened_is_on_screen()
    {
        var shop = await Shop.OpenAsync(host.Admin);
        await shop.PaidOrderAsync("cust-phone-screen");
        await host.CaughtUpAsync();
        var page = await host.SignedInAsync(Roles.Agent, shop.StoreId);
        await page.SetViewportSizeAsync(390, 844);
        var clock = Stopwatch.StartNew();
        await page.GotoAsync($"/console.html?store={shop.StoreId}&customer=cust-phone-screen");

        var whatHappened = page.Locator("#timeline tbody tr").First.Locator("td").Nth(2);
        await Expect(whatHappened).ToBeVisibleAsync();
        output.WriteLine($"console with a customer: first timeline entry {clock.ElapsedMilliseconds} ms after navigation (390 px)");
        await whatHappened.ScrollIntoViewIfNeededAsync();
        var box = (await whatHappened.BoundingBoxAsync())!;
        Assert.True(box.X >= 0 && box.X + box.Width <= 390, $"'What happened' spans x {box.X}…{box.X + box.Width} on a 390 px screen");
        var wide = await page.EvaluateAsync<string>("[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391 && !e.parentElement.closest('.scroll')).map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 8).join(', ')");
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") == 390, "wider than the screen: " + wide);
        await Screenshots.SaveAsync(page, "workstation-390");
    }
}
