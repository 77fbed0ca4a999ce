using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OdooLatencyProxy.RealOdoo.Tests.Support;

namespace OdooLatencyProxy.RealOdoo.Tests.AccessLog;

// Where Odoo's time goes, on a real Odoo 17 and its real log: the proxy follows the log (--odoo-log), joins each access
// line to the request it logs, and its per-operation figures must be Odoo's own for those requests.
public sealed class CostJoinTests
{
    [Fact]
    public async Task ConfirmOrdersOfOneAndFiftyLines_ThroughTheProxy_JoinedFiguresAreTheLogsOwnAndFiftyLinesTakeMoreQueries()
    {
        var odoo = RealOdooServer.Require(log: true);
        var joined = new JoinedCosts();
        await using var proxy = await StartAsync(odoo, joined);
        using var http = ProxyInFront.Client(proxy);
        var client = new OdooClient(http, odoo);
        var logStart = OdooLog.End(odoo.LogPath!);
        var unique = Guid.NewGuid().ToString("N")[..8];
        await client.AuthenticateAsync();
        var partner = (await client.CallKwAsync("res.partner", "create", [new JsonObject { ["name"] = $"Cost customer {unique}" }])).GetInt32();
        var product = (await client.CallKwAsync("product.product", "create", [new JsonObject { ["name"] = $"Cost product {unique}", ["list_price"] = 10.0 }])).GetInt32();
        var small = await CreateOrderAsync(client, partner, product, lines: 1);
        var large = await CreateOrderAsync(client, partner, product, lines: 50);

        await client.CallButtonAsync("sale.order", "action_confirm", [new JsonArray(small)]);
        var smallTag = client.Sent[^1].Tag;
        await client.CallButtonAsync("sale.order", "action_confirm", [new JsonArray(large)]);
        var largeTag = client.Sent[^1].Tag;

        var output = TestContext.Current.TestOutputHelper!;
        var logged = new Dictionary<string, OdooAccessLine>();
        foreach (var (tag, name) in new[] { (smallTag, "1 line"), (largeTag, "50 lines") })
        {
            var (operation, cost) = await joined.GetAsync(tag);
            var line = Assert.Single(OdooLog.ReadSince(odoo.LogPath!, logStart).Select(OdooLog.ParseAccess).OfType<OdooAccessLine>(),
                a => a.Target.EndsWith("t=" + tag, StringComparison.Ordinal));
            logged[tag] = line;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"confirm {name}: joined {cost.QueryCount} q, SQL {cost.SqlTime.TotalSeconds:F3} s, Python {cost.PythonTime.TotalSeconds:F3} s (pid {cost.WorkerPid}); log {line.QueryCount} q {line.QuerySeconds:F3} {line.RemainingSeconds:F3} (pid {line.Line.Pid})"));
            Assert.Equal("sale_order.confirm", operation);
            Assert.Equal(line.QueryCount, cost.QueryCount);
            Assert.Equal(line.QuerySeconds!.Value, cost.SqlTime.TotalSeconds, 6);
            Assert.Equal(line.RemainingSeconds!.Value, cost.PythonTime.TotalSeconds, 6);
            Assert.Equal(line.Line.Pid, cost.WorkerPid);
        }
        Assert.True(logged[largeTag].QueryCount > 2 * logged[smallTag].QueryCount,
            $"50 lines: {logged[largeTag].QueryCount} queries, 1 line: {logged[smallTag].QueryCount}");

        // The per-operation figures on /api/costs hold both confirmations: the smallest and largest query counts are theirs.
        using var admin = new HttpClient { BaseAddress = proxy.AdminUri };
        JsonElement confirm = default;
        await Wait.UntilAsync(async () =>
        {
            using var doc = JsonDocument.Parse(await admin.GetStringAsync("/api/costs"));
            var found = doc.RootElement.GetProperty("operations").EnumerateArray().Where(o => o.GetProperty("operation").GetString() == "sale_order.confirm").ToList();
            if (found.Count == 0) return false;
            confirm = found[0].GetProperty("windows").GetProperty("5m").Clone();
            return confirm.GetProperty("count").GetInt64() == 2;
        }, "/api/costs counted both confirmations", describe: () => admin.GetStringAsync("/api/costs"));
        Assert.Equal(logged[largeTag].QueryCount!.Value, (int)confirm.GetProperty("queries").GetProperty("max").GetDouble());
        Assert.Equal(logged[smallTag].QueryCount!.Value, (int)confirm.GetProperty("queries").GetProperty("p50").GetDouble());
        using var status = JsonDocument.Parse(await admin.GetStringAsync("/api/status"));
        var accessLog = status.RootElement.GetProperty("accessLog");
        output.WriteLine(accessLog.GetRawText());
        Assert.True(accessLog.GetProperty("matched").GetInt64() >= client.Sent.Count - 1, accessLog.GetRawText());
        Assert.Equal(0, accessLog.GetProperty("ambiguous").GetInt64());
    }

    [Fact]
    public async Task ServerActionSleepingInPostgres_ThroughTheProxy_ItsTimeLandsInSqlNotPython()
    {
        var odoo = RealOdooServer.Require(log: true);
        var joined = new JoinedCosts();
        await using var proxy = await StartAsync(odoo, joined);
        using var http = ProxyInFront.Client(proxy);
        var client = new OdooClient(http, odoo);
        await client.AuthenticateAsync();
        var model = (await client.CallKwAsync("ir.model", "search", [new JsonArray(new JsonArray("model", "=", "res.partner"))]))[0].GetInt32();
        // The same action without the sleep first: what the sleep adds must land in SQL time, and Python time must not
        // grow by it (on a loaded machine both vary by tenths of a second, hence the comparison, not absolute bounds).
        var quick = await RunServerActionAsync(client, joined, model, "env.cr.execute(\"SELECT 1\")");
        var slow = await RunServerActionAsync(client, joined, model, "env.cr.execute(\"SELECT pg_sleep(0.5)\")");

        var output = TestContext.Current.TestOutputHelper!;
        foreach (var (name, (operation, cost)) in new[] { ("SELECT 1", quick), ("pg_sleep(0.5)", slow) })
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: {operation}: {cost.QueryCount} q, SQL {cost.SqlTime.TotalSeconds:F3} s, Python {cost.PythonTime.TotalSeconds:F3} s"));
        }
        Assert.True(slow.Cost.SqlTime >= TimeSpan.FromSeconds(0.5), $"SQL {slow.Cost.SqlTime}");
        Assert.True(slow.Cost.PythonTime - quick.Cost.PythonTime < TimeSpan.FromSeconds(0.4),
            $"Python {slow.Cost.PythonTime} with the sleep, {quick.Cost.PythonTime} without");

        // Forensics end to end: the sleeping action is over the 0.45 s slow threshold given below, so it is kept among the
        // slow requests, and the cost shown there is the one its access line gave (the quick action is not kept).
        using var admin = new HttpClient { BaseAddress = proxy.AdminUri };
        JsonElement keptCost = default;
        await Wait.UntilAsync(async () =>
        {
            using var doc = JsonDocument.Parse(await admin.GetStringAsync("/api/slow-requests"));
            var kept = doc.RootElement.GetProperty("requests").EnumerateArray()
                .Where(r => r.GetProperty("operation").GetString() == slow.Operation && r.GetProperty("cost").ValueKind == JsonValueKind.Object).ToList();
            if (kept.Count == 0) return false;
            keptCost = kept[0].GetProperty("cost").Clone();
            return true;
        }, "/api/slow-requests holds the sleeping action with its joined cost", describe: () => admin.GetStringAsync("/api/slow-requests"));
        Assert.Equal(slow.Cost.QueryCount, keptCost.GetProperty("queryCount").GetInt32());
        Assert.Equal(slow.Cost.SqlTime.TotalSeconds, keptCost.GetProperty("sqlSeconds").GetDouble(), 3);
        Assert.Equal(slow.Cost.WorkerPid, keptCost.GetProperty("workerPid").GetInt32());
    }

    private static async Task<(string Operation, Odoo.Logs.OdooRequestCost Cost)> RunServerActionAsync(OdooClient client, JoinedCosts joined, int model, string code)
    {
        var action = (await client.CallKwAsync("ir.actions.server", "create", [new JsonObject
        {
            ["name"] = $"Cost probe {Guid.NewGuid():N}"[..20], ["model_id"] = model, ["state"] = "code", ["code"] = code,
        }])).GetInt32();
        await client.CallButtonAsync("ir.actions.server", "run", [new JsonArray(action)]);
        return await joined.GetAsync(client.Sent[^1].Tag);
    }

    private static Task<Hosting.ProxyHost> StartAsync(RealOdooServer odoo, JoinedCosts joined) =>
        ProxyInFront.StartAsync(odoo, settings: new Dictionary<string, string?>
        {
            ["Collector:LogPath"] = odoo.LogPath,
            ["Collector:LogInterval"] = "00:00:00.5",
            ["Telemetry:SlowRequestThreshold"] = "00:00:00.45",
        }, services: joined.AddTo);

    private static async Task<int> CreateOrderAsync(OdooClient client, int partner, int product, int lines)
    {
        var orderLines = new JsonArray();
        for (var i = 0; i < lines; i++) orderLines.Add(new JsonArray(0, 0, new JsonObject { ["product_id"] = product, ["product_uom_qty"] = 1 + i % 3 }));
        return (await client.CallKwAsync("sale.order", "create", [new JsonObject { ["partner_id"] = partner, ["order_line"] = orderLines }])).GetInt32();
    }
}
