using System.Text.Json;
using Microsoft.Playwright;
using OdooLatencyProxy.RealOdoo.Tests.Support;

namespace OdooLatencyProxy.RealOdoo.Tests.Browser;

/// <summary>
/// Debian's headless Chromium (Microsoft.Playwright, no browser download) with one page on the proxy's public URL.
/// Disposing closes Chromium and the Playwright driver, whatever the test did.
/// </summary>
public sealed class OdooBrowser : IAsyncDisposable
{
    /// <summary>How long one UI step (a click, a field, a dialog) may take; Odoo's web client is async.</summary>
    public const float StepTimeoutMs = 20_000;

    private const string ChromiumPath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private OdooBrowser(IPlaywright playwright, IBrowser browser, IBrowserContext context, IPage page, Uri baseUri)
    {
        _playwright = playwright;
        _browser = browser;
        Context = context;
        Page = page;
        BaseUri = baseUri;
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>The proxy's public URL, which the browser uses for everything.</summary>
    public Uri BaseUri { get; }

    /// <summary>Starts Chromium; skips the test when Debian's chromium is not installed.</summary>
    public static async Task<OdooBrowser> LaunchAsync(Uri baseUri)
    {
        if (!File.Exists(ChromiumPath))
        {
            Assert.Skip($"No Chromium at {ChromiumPath} (apt-get install -y chromium).");
        }
        Assertions.SetDefaultExpectTimeout(StepTimeoutMs);
        var playwright = await Playwright.CreateAsync();
        IBrowser? browser = null;
        try
        {
            browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            });
            var context = await browser.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = baseUri.ToString(),
                ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
            });
            context.SetDefaultTimeout(StepTimeoutMs);
            var page = await context.NewPageAsync();
            return new OdooBrowser(playwright, browser, context, page, baseUri);
        }
        catch
        {
            if (browser is not null) await browser.CloseAsync();
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Logs in through the login form and waits for the web client's navbar.</summary>
    public async Task LogInAsync(RealOdooServer odoo)
    {
        // With list_db on and several databases, Odoo would show its database selector first.
        await Page.GotoAsync($"/web/login?db={Uri.EscapeDataString(odoo.Database)}");
        await Page.Locator("form.oe_login_form input[name=login]").FillAsync(odoo.Login);
        await Page.Locator("form.oe_login_form input[name=password]").FillAsync(odoo.Password);
        await Page.Locator("form.oe_login_form button[type=submit]").ClickAsync();
        await Assertions.Expect(Page.Locator(".o_main_navbar")).ToBeVisibleAsync(new() { Timeout = 120_000 });
    }

    /// <summary>
    /// A JSON-RPC <c>call_kw</c> with the browser's session cookie, through the proxy like the web client's own calls.
    /// Fails the test with Odoo's message when Odoo answers an error.
    /// </summary>
    public async Task<JsonElement> CallAsync(string model, string method, object[] args, object? kwargs = null)
    {
        var response = await Context.APIRequest.PostAsync(new Uri(BaseUri, $"/web/dataset/call_kw/{model}/{method}").ToString(), new APIRequestContextOptions
        {
            DataObject = new { jsonrpc = "2.0", method = "call", id = 1, @params = new { model, method, args, kwargs = kwargs ?? new { } } },
        });
        var text = await response.TextAsync();
        Assert.True(response.Ok, $"{model}.{method}: HTTP {response.Status} {text}");
        using var json = JsonDocument.Parse(text);
        if (json.RootElement.TryGetProperty("error", out var error))
        {
            Assert.Fail($"{model}.{method}: Odoo answered {error}");
        }
        return json.RootElement.GetProperty("result").Clone();
    }

    /// <summary>Saves a full-page screenshot into the test output folder and returns its path (null when the page is gone).</summary>
    public async Task<string?> ScreenshotAsync(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        try
        {
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Timeout = 10_000 });
            return path;
        }
        catch (PlaywrightException)
        {
            return null;
        }
    }

    /// <summary>Closes the page's browser context: its websockets close, so the proxy finishes their records.</summary>
    public Task CloseContextAsync() => Context.CloseAsync();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _browser.CloseAsync();
        }
        finally
        {
            _playwright.Dispose();
        }
    }
}
