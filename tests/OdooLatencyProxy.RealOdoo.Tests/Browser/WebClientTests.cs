using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OdooLatencyProxy.Hosting;
using OdooLatencyProxy.RealOdoo.Tests.Support;
using OdooLatencyProxy.RequestPath;

namespace OdooLatencyProxy.RealOdoo.Tests.Browser;

/// <summary>
/// Odoo's own web client in Debian's Chromium, through the proxy's public URL, in front of the real Odoo: a sales
/// flow clicked through the UI, and the bus websocket on the gevent port. The database is shared with other tests
/// (never empty, never fresh), so every record here has a name of its own and is found by it.
/// </summary>
public sealed class WebClientTests(ITestOutputHelper output)
{
    [Fact(Timeout = 240_000)]
    public async Task QuotationConfirmedAndInvoiced_InTheWebClient_IsDoneInOdoo_AndRecordedAsItsBusinessOperations()
    {
        var odoo = RealOdooServer.Require();
        var recorded = new ProxyRecords();
        await using var proxy = await StartProxyAsync(odoo, recorded);
        await using var browser = await OdooBrowser.LaunchAsync(proxy.PublicUri);
        var page = browser.Page;
        var tag = Guid.NewGuid().ToString("N")[..8];
        var customer = $"Browser customer {tag}";
        var product = $"Browser product {tag}";

        await StepsAsync(browser, nameof(QuotationConfirmedAndInvoiced_InTheWebClient_IsDoneInOdoo_AndRecordedAsItsBusinessOperations), async () =>
        {
            await browser.LogInAsync(odoo);
            var customerId = (await browser.CallAsync("res.partner", "create", [new { name = customer }])).GetInt32();
            await browser.CallAsync("product.product", "create",
                [new { name = product, type = "service", invoice_policy = "order", sale_ok = true, list_price = 42.0 }]);

            // Sales > Quotations > New.
            await page.GotoAsync("/web#action=sale.action_quotations_with_onboarding");
            // The control panel has a desktop and a mobile "New"; only one is shown.
            await page.Locator(".o_control_panel .o_list_button_add").Filter(new() { Visible = true }).ClickAsync();
            await PickAsync(page, page.Locator(".o_form_view div[name=partner_id] input"), customer);
            await page.Locator("div[name=order_line] .o_field_x2many_list_row_add a", new() { HasText = "Add a product" }).ClickAsync();
            // The product column is product_template_id with sale_product_configurator (sale_management), else product_id.
            await PickAsync(page, page.Locator("div[name=order_line] .o_selected_row :is(td[name=product_template_id], td[name=product_id]) input"), product);
            await Expect(page.Locator("div[name=order_line] .o_data_row td[name=price_subtotal]")).ToContainTextAsync("42");
            await page.Locator(".o_form_button_save").ClickAsync();
            await Expect(page.Locator(".o_form_status_indicator_buttons")).ToBeHiddenAsync();

            await page.Locator(".o_form_view button[name=action_confirm]").ClickAsync();
            await Expect(StatusBarCurrent(page, "sale")).ToBeVisibleAsync();

            // Create Invoice > the wizard's "Create Draft Invoice" (17) opens the invoice; its "Confirm" posts it.
            await page.Locator(".o_form_view button#create_invoice").ClickAsync();
            await page.Locator(".modal button#create_invoice_open").ClickAsync();
            await Expect(page.Locator(".modal")).ToHaveCountAsync(0);
            await Expect(StatusBarCurrent(page, "draft")).ToBeVisibleAsync();
            await Expect(page.Locator(".o_form_view div[name=partner_id] input")).ToHaveValueAsync(customer);
            await page.Locator(".o_form_view button[name=action_post]").ClickAsync();
            await Expect(StatusBarCurrent(page, "posted")).ToBeVisibleAsync();

            // Odoo's own word for it.
            var orders = await browser.CallAsync("sale.order", "search_read", [],
                new { domain = new object[] { new object[] { "partner_id", "=", customerId } }, fields = new[] { "name", "state", "invoice_ids" } });
            var order = Assert.Single(orders.EnumerateArray());
            Assert.Equal("sale", order.GetProperty("state").GetString());
            var invoiceId = Assert.Single(order.GetProperty("invoice_ids").EnumerateArray()).GetInt32();
            var invoice = Assert.Single((await browser.CallAsync("account.move", "read", [new[] { invoiceId }],
                new { fields = new[] { "name", "state", "move_type", "amount_untaxed" } })).EnumerateArray());
            Assert.Equal("out_invoice", invoice.GetProperty("move_type").GetString());
            Assert.Equal("posted", invoice.GetProperty("state").GetString());
            Assert.Equal(42.0, invoice.GetProperty("amount_untaxed").GetDouble());
            output.WriteLine($"Odoo: {order.GetProperty("name")} is 'sale', invoice {invoice.GetProperty("name")} is 'posted'.");
        }, TestContext.Current.CancellationToken);

        // The proxy's word for it: each business step once, ok, on an HTTP worker.
        var worker = odoo.Url!.Authority;
        var finished = recorded.Finished;
        foreach (var request in finished.Where(r => r.Operation is not ("static" or "ui.bootstrap"))) output.WriteLine(request.ToString());
        foreach (var operation in new[] { "auth.login", "sale_order.confirm", "invoice.create", "invoice.post" })
        {
            var requests = finished.Where(r => r.Operation == operation).ToList();
            Assert.True(requests.Count == 1, $"{operation}: expected one request, the proxy recorded {requests.Count}.");
            Assert.Equal("ok", requests[0].Outcome);
            Assert.Equal(worker, requests[0].Destination);
        }
        Assert.Equal("POST", finished.Single(r => r.Operation == "auth.login").Method);
        // Every call of the web client went through, and the proxy failed nothing of its own. GETs may fail in Odoo
        // itself: a database copied without its filestore answers some /web/image requests (logo, onboarding) with 500.
        var failedCalls = finished.Where(r => r.Method == "POST" && r.Outcome != "ok").ToList();
        Assert.True(failedCalls.Count == 0, "Calls that failed: " + string.Join("; ", failedCalls));
        var proxyFailures = finished.Where(r => r.Outcome is "upstream_error" or "timeout" or "rejected").ToList();
        Assert.True(proxyFailures.Count == 0, "Requests the proxy failed: " + string.Join("; ", proxyFailures));
    }

    [Fact(Timeout = 240_000)]
    public async Task BusWebsocket_ThroughTheProxy_ReachesTheGeventPort_AndDeliversAChatMessage()
    {
        var odoo = RealOdooServer.Require();
        var recorded = new ProxyRecords();
        await using var proxy = await StartProxyAsync(odoo, recorded);
        await using var browser = await OdooBrowser.LaunchAsync(proxy.PublicUri);
        var page = browser.Page;
        var frames = new ConcurrentQueue<string>();
        var pageWebsockets = new ConcurrentQueue<string>();
        page.WebSocket += (_, websocket) =>
        {
            pageWebsockets.Enqueue(websocket.Url);
            websocket.FrameReceived += (_, frame) => frames.Enqueue(frame.Text ?? "");
        };
        var tag = Guid.NewGuid().ToString("N")[..8];
        var text = $"Hello from the browser test {tag}";

        await StepsAsync(browser, nameof(BusWebsocket_ThroughTheProxy_ReachesTheGeventPort_AndDeliversAChatMessage), async () =>
        {
            await browser.LogInAsync(odoo);
            // The web client's bus opens /websocket from a SharedWorker, which Playwright's page events do not show:
            // the proxy saw it start.
            await Wait.UntilAsync(() => recorded.Started.Any(r => r.Path == "/websocket"), "the web client opens /websocket through the proxy");
            var clientWebsocket = recorded.Started.First(r => r.Path == "/websocket");
            output.WriteLine($"Websockets Playwright showed on the page before the test's own: {pageWebsockets.Count}.");
            Assert.Equal("realtime", clientWebsocket.Operation);
            Assert.Equal("odoo-gevent", clientWebsocket.Cluster);

            // A channel the admin is a member of, then a websocket of the page's own, subscribed like Odoo's worker:
            // the server adds the user's channels to the subscription.
            var channel = await browser.CallAsync("discuss.channel", "channel_create", [$"Browser test {tag}", false]);
            var channelId = channel.GetProperty("id").GetInt32();
            await page.EvaluateAsync("""
                async url => {
                    const websocket = new WebSocket(url);
                    await new Promise((resolve, reject) => {
                        websocket.onopen = resolve;
                        websocket.onerror = () => reject(new Error("websocket error"));
                    });
                    websocket.send(JSON.stringify({ event_name: "subscribe", data: { channels: [], last: 0 } }));
                    window.browserTestWebsocket = websocket;
                }
                """, new Uri(new Uri(proxy.PublicUri.ToString().Replace("http", "ws", StringComparison.Ordinal)), "/websocket").ToString());
            Assert.Contains(pageWebsockets, url => url.EndsWith("/websocket", StringComparison.Ordinal));

            await browser.CallAsync("discuss.channel", "message_post", [new[] { channelId }],
                new { body = text, message_type = "comment", subtype_xmlid = "mail.mt_comment" });
            await Wait.UntilAsync(() => Task.FromResult(frames.Any(f => f.Contains(text, StringComparison.Ordinal))), "the chat message arrives as a websocket frame",
                describe: () => Task.FromResult($"{frames.Count} frames: " + string.Join(" | ", frames.Select(f => f.Length > 200 ? f[..200] : f))));
            using var notifications = JsonDocument.Parse(frames.First(f => f.Contains(text, StringComparison.Ordinal)));
            Assert.Contains(notifications.RootElement.EnumerateArray(), n =>
                n.GetProperty("message").GetProperty("type").GetString() == "discuss.channel/new_message"
                && n.GetProperty("message").GetProperty("payload").GetProperty("id").GetInt32() == channelId);

            // The page's websocket closes cleanly (close frame 1000) while the web client's stays open.
            await page.EvaluateAsync("() => window.browserTestWebsocket.close(1000)");
            await Wait.UntilAsync(() => Task.FromResult(Websockets(recorded.Finished).Count == 1), "the proxy records the page's websocket once closed");
            AssertUpgradedByGevent(Websockets(recorded.Finished)[0], odoo, "ok");
            Assert.Equal(2, Websockets(recorded.Started).Count);
            await browser.CloseContextAsync();
        }, TestContext.Current.CancellationToken);

        // Closing the browser ends the web client's websocket too: Chromium drops the worker's connection, with or
        // without a close frame depending on timing, so the proxy may call that end a client abort.
        await Wait.UntilAsync(() => Task.FromResult(Websockets(recorded.Finished).Count == 2), "the proxy records the web client's websocket once the browser closed",
            describe: () => Task.FromResult(string.Join("; ", Websockets(recorded.Finished))));
        AssertUpgradedByGevent(Websockets(recorded.Finished)[1], odoo, "ok", "client_abort");
    }

    private static List<ProxyRecord> Websockets(IEnumerable<ProxyRecord> requests) => [.. requests.Where(r => r.Path == "/websocket")];

    private void AssertUpgradedByGevent(ProxyRecord websocket, RealOdooServer odoo, params string[] outcomes)
    {
        output.WriteLine(websocket.ToString());
        Assert.Equal(101, websocket.Status);
        Assert.Equal("realtime", websocket.Operation);
        Assert.Equal("odoo-gevent", websocket.Cluster);
        Assert.Equal(odoo.GeventUrl!.Authority, websocket.Destination);
        Assert.Contains(websocket.Outcome, outcomes);
    }

    private static Task<ProxyHost> StartProxyAsync(RealOdooServer odoo, ProxyRecords recorded) =>
        ProxyInFront.StartAsync(odoo, services: recorded.AddTo);

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private static ILocator StatusBarCurrent(IPage page, string state) =>
        page.Locator($".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value={state}]");

    /// <summary>Types into a many2one and clicks the suggestion whose text is exactly <paramref name="name"/>.</summary>
    private static async Task PickAsync(IPage page, ILocator input, string name)
    {
        await input.FillAsync(name);
        await page.Locator(".o-autocomplete--dropdown-menu .o-autocomplete--dropdown-item a").GetByText(name, new() { Exact = true }).ClickAsync();
        await Expect(input).ToHaveValueAsync(name);
    }

    /// <summary>
    /// Runs the browser steps until done or the test's timeout; on failure saves a screenshot of the page as it was
    /// (before Chromium closes) and says where.
    /// </summary>
    private async Task StepsAsync(OdooBrowser browser, string name, Func<Task> steps, CancellationToken timeout)
    {
        try
        {
            await steps().WaitAsync(timeout);
        }
        catch
        {
            var screenshot = await browser.ScreenshotAsync(name);
            output.WriteLine($"Failed at {browser.Page.Url}; screenshot: {screenshot ?? "none (page closed)"}");
            throw;
        }
    }
}
