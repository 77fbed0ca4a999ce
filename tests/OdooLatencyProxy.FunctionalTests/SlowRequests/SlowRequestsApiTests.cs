using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OdooLatencyProxy.Odoo.Logs;
using OdooLatencyProxy.RequestPath;
using OdooLatencyProxy.Tests.Telemetry;

namespace OdooLatencyProxy.Tests.SlowRequests;

/// <summary><c>/api/slow-requests</c> through the real proxy in front of the simulator.</summary>
public sealed class SlowRequestsApiTests
{
    private const string QuerySecret = "QUERYSECRET4545";

    // ui.bootstrap gets a 0.3 s threshold of its own; every other operation the default, raised to 5 s here.
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Classification:Rules:0:Name"] = "ui.bootstrap",
        ["Classification:Rules:0:ThresholdSeconds"] = "0.3",
        ["Telemetry:SlowRequestThreshold"] = "00:00:05",
    };

    [Fact]
    public async Task SlowOperation_LandsInTheList_FastOnesAndOnesUnderTheDefaultDoNot_NoQueryString()
    {
        await using var harness = await TelemetryHarness.StartAsync(4, 2, Settings);

        int status;
        using (var response = await harness.GetAsync($"/odoo/action-42?access_token={QuerySecret}", delayMs: 600)) status = (int)response.StatusCode;
        (await harness.GetAsync("/odoo/action-43")).Dispose();
        (await harness.GetAsync("/web/image/res.partner/7/avatar_128", delayMs: 600)).Dispose();

        var text = await harness.Admin.GetStringAsync(new Uri("/api/slow-requests", UriKind.Relative), TestContext.Current.CancellationToken);
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        var slow = Assert.Single(root.GetProperty("requests").EnumerateArray());
        Assert.Equal("ui.bootstrap", slow.GetProperty("operation").GetString());
        Assert.Equal("GET", slow.GetProperty("method").GetString());
        Assert.Equal("/odoo/action-42", slow.GetProperty("path").GetString());
        Assert.Equal(status, slow.GetProperty("status").GetInt32());
        Assert.Equal("ok", slow.GetProperty("outcome").GetString());
        Assert.Equal(harness.Sim.HttpUri.Authority, slow.GetProperty("destination").GetString());
        Assert.Equal(0.3, slow.GetProperty("thresholdSeconds").GetDouble(), 6);
        Assert.InRange(slow.GetProperty("odooSeconds").GetDouble(), 0.6, 30);
        Assert.InRange(slow.GetProperty("totalSeconds").GetDouble(), slow.GetProperty("odooSeconds").GetDouble(), 30);
        Assert.InRange(slow.GetProperty("startedAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
        Assert.Equal(JsonValueKind.Null, slow.GetProperty("cost").ValueKind);
        Assert.Equal(JsonValueKind.Null, slow.GetProperty("statements").ValueKind);
        Assert.Equal("not_sampled", slow.GetProperty("statementsState").GetString());
        Assert.Equal(100, root.GetProperty("capacity").GetInt32());
        Assert.Equal(5, root.GetProperty("defaultThresholdSeconds").GetDouble());
        Assert.False(root.GetProperty("statementSampling").GetProperty("enabled").GetBoolean());
        Assert.DoesNotContain(QuerySecret, text, StringComparison.Ordinal);
        Assert.DoesNotContain("access_token", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CostJoined_ThroughTheRegisteredListeners_ShowsOdoosFigures()
    {
        await using var harness = await TelemetryHarness.StartAsync(4, 2, Settings);
        (await harness.GetAsync("/odoo/action-42", delayMs: 600)).Dispose();
        // The client has its answer a moment before the proxy records the exchange.
        await Wait.UntilAsync(() => !harness.Recorder.Records.IsEmpty, "the exchange is recorded");
        var exchange = Assert.Single(harness.Recorder.Records).Record;

        // As the access-log join calls them: every IOdooCostListener the proxy registered, off the request path.
        foreach (var listener in harness.Proxy.Services.GetServices<IOdooCostListener>())
        {
            listener.CostJoined(exchange, new OdooRequestCost(31337, 57, TimeSpan.FromSeconds(0.45), TimeSpan.FromSeconds(0.125)));
        }

        var slow = Assert.Single((await harness.JsonAsync("/api/slow-requests")).GetProperty("requests").EnumerateArray());
        var cost = slow.GetProperty("cost");
        Assert.Equal(31337, cost.GetProperty("workerPid").GetInt32());
        Assert.Equal(57, cost.GetProperty("queryCount").GetInt32());
        Assert.Equal(0.45, cost.GetProperty("sqlSeconds").GetDouble(), 6);
        Assert.Equal(0.125, cost.GetProperty("pythonSeconds").GetDouble(), 6);
    }

    [Fact]
    public async Task SlowRequestsZero_KeepsNone()
    {
        await using var harness = await TelemetryHarness.StartAsync(4, 2, new Dictionary<string, string?>(Settings) { ["Telemetry:SlowRequests"] = "0" });

        (await harness.GetAsync("/odoo/action-42", delayMs: 600)).Dispose();

        var root = await harness.JsonAsync("/api/slow-requests");
        Assert.Equal(0, root.GetProperty("capacity").GetInt32());
        Assert.Empty(root.GetProperty("requests").EnumerateArray());
    }
}
