using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace OdooLatencyProxy.Tests.Telemetry;

/// <summary>The status page rendered by Debian's headless chromium (Microsoft.Playwright, no browser download).</summary>
public sealed class StatusPageTests(ITestOutputHelper output)
{
    private const string CookieSecret = "SESSIONSECRET4242";
    private const string BearerSecret = "BEARERSECRET4343";
    private const string QuerySecret = "QUERYSECRET4444";

    [Fact]
    public async Task StatusPage_ShowsTheOperationsSent_UpdatesAsTrafficFlows_AndHoldsNoSecret()
    {
        await using var harness = await TelemetryHarness.StartAsync(4, 2);
        await SendAsync(harness, "/odoo/action-42", 5);
        await SendAsync(harness, "/web/image/res.partner/7/avatar_128", 5);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        // Every request the page makes succeeds, the browser's own /favicon.ico included.
        var failed = new System.Collections.Concurrent.ConcurrentQueue<string>();
        page.Response += (_, response) => { if (response.Status >= 400) failed.Enqueue($"{response.Status} {response.Url}"); };
        page.RequestFailed += (_, request) => failed.Enqueue($"failed {request.Url}");
        await page.GotoAsync(new Uri(harness.Proxy.AdminUri, "/status").ToString());

        var bootstrap = page.Locator("#operations tbody tr[data-operation='ui.bootstrap']");
        var download = page.Locator("#operations tbody tr[data-operation='file.download']");
        await Assertions.Expect(bootstrap).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(download).ToBeVisibleAsync(new() { Timeout = 15_000 });
        var before = await bootstrap.InnerTextAsync();

        // More traffic, and a slow request holding a worker while the page refreshes.
        await SendAsync(harness, "/odoo/action-42", 40);
        using var stop = new CancellationTokenSource();
        var slow = harness.GetAsync($"/odoo/action-43?access_token={QuerySecret}", delayMs: 30_000, configure: Secrets, cancellationToken: stop.Token);
        await Wait.UntilAsync(async () => await bootstrap.InnerTextAsync() != before, "the ui.bootstrap row changes");
        var inflight = page.Locator("#inflight tbody tr");
        await Assertions.Expect(inflight).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Assertions.Expect(inflight).ToContainTextAsync("/odoo/action-43");
        await Assertions.Expect(page.Locator("#destinations .dest")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#destinations .gauge .label")).ToContainTextAsync("/ 2 workers busy");

        await ScreenshotAsync(page, "status-page.png");

        Assert.Empty(failed);
        // Headless Chromium fetches no icon; a desktop browser asks for the declared one, or else /favicon.ico.
        var icon = await page.EvaluateAsync<string>("() => document.querySelector(\"link[rel~='icon']\")?.href ?? new URL('/favicon.ico', location.href).href");
        if (!icon.StartsWith("data:", StringComparison.Ordinal))
        {
            using var iconResponse = await harness.Admin.GetAsync(new Uri(icon));
            Assert.True(iconResponse.IsSuccessStatusCode, $"{icon}: {(int)iconResponse.StatusCode}");
        }
        var html = await page.ContentAsync();
        var status = await harness.Admin.GetStringAsync(new Uri("/api/status", UriKind.Relative));
        var inflightJson = await harness.Admin.GetStringAsync(new Uri("/api/inflight", UriKind.Relative));
        foreach (var text in new[] { html, status, inflightJson })
        {
            Assert.Contains("/odoo/action-43", text, StringComparison.Ordinal);
            foreach (var secret in new[] { CookieSecret, BearerSecret, QuerySecret, "access_token" })
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => slow);
    }

    [Fact]
    public async Task StatusPage_SlowRequests_ListedWithoutQueryString_CostShownOnceJoined()
    {
        await using var harness = await TelemetryHarness.StartAsync(4, 2, new Dictionary<string, string?>
        {
            ["Classification:Rules:0:Name"] = "ui.bootstrap",
            ["Classification:Rules:0:ThresholdSeconds"] = "0.3",
        });
        (await harness.GetAsync($"/odoo/action-42?access_token={QuerySecret}", delayMs: 600, configure: Secrets)).Dispose();
        (await harness.GetAsync($"/odoo/action-43?access_token={QuerySecret}", configure: Secrets)).Dispose();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 900 } });
        await page.GotoAsync(new Uri(harness.Proxy.AdminUri, "/status").ToString());

        var slow = page.Locator("#slow tbody tr.slow-request");
        await Assertions.Expect(slow).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Assertions.Expect(slow).ToContainTextAsync("/odoo/action-42");
        await Assertions.Expect(slow).ToContainTextAsync("ui.bootstrap");
        await Assertions.Expect(slow.Locator("td.cost")).ToHaveTextAsync("not joined");
        await Assertions.Expect(slow.Locator("td.statements")).ToHaveTextAsync("not sampled (collector off)");

        // Odoo's access line joined later: the next refresh shows the worker and the figures.
        await Wait.UntilAsync(() => harness.Recorder.Records.Any(r => r.Record.Path == "/odoo/action-42"), "the slow exchange is recorded");
        var exchange = Assert.Single(harness.Recorder.Records, r => r.Record.Path == "/odoo/action-42").Record;
        foreach (var listener in harness.Proxy.Services.GetServices<OdooLatencyProxy.RequestPath.IOdooCostListener>())
        {
            listener.CostJoined(exchange, new OdooLatencyProxy.Odoo.Logs.OdooRequestCost(31337, 57, TimeSpan.FromSeconds(0.45), TimeSpan.FromSeconds(0.125)));
        }
        await Assertions.Expect(slow.Locator("td.cost")).ToHaveTextAsync("31337", new() { Timeout = 15_000 });
        await Assertions.Expect(slow).ToContainTextAsync("450 ms");

        await ScreenshotAsync(page, "status-page-slow-requests.png");

        var html = await page.ContentAsync();
        var api = await harness.Admin.GetStringAsync(new Uri("/api/slow-requests", UriKind.Relative));
        foreach (var text in new[] { html, api })
        {
            Assert.Contains("/odoo/action-42", text, StringComparison.Ordinal);
            Assert.DoesNotContain("/odoo/action-43", text, StringComparison.Ordinal);
            foreach (var secret in new[] { CookieSecret, BearerSecret, QuerySecret, "access_token" })
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    // Debian's chromium, no browser download.
    private static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });

    private async Task ScreenshotAsync(IPage page, string name)
    {
        var artifacts = Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(artifacts);
        var screenshot = Path.Combine(artifacts, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        output.WriteLine($"Screenshot: {screenshot}");
    }

    private static async Task SendAsync(TelemetryHarness harness, string path, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await harness.GetAsync($"{path}?access_token={QuerySecret}&i={i}", configure: Secrets);
            Assert.NotEqual(HttpStatusCode.BadGateway, response.StatusCode);
        }
    }

    private static void Secrets(HttpRequestMessage request)
    {
        request.Headers.Add("Cookie", $"session_id={CookieSecret}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BearerSecret);
    }
}
