using System.Text.Json;
using System.Text.Json.Nodes;
using OdooLatencyProxy.RealOdoo.Tests.Support;

namespace OdooLatencyProxy.RealOdoo.Tests.Classification;

public sealed class ServerActionNamingTests
{
    [Fact]
    public async Task ServerActionRunFromTheUi_WithTheCollectorOnOdoosDatabase_IsNamedByTheActionNotItsNumber()
    {
        var odoo = RealOdooServer.Require(database: true);
        await using var proxy = await ProxyInFront.StartAsync(odoo, settings: new Dictionary<string, string?>
        {
            ["Collector:ConnectionString"] = odoo.PgConnectionString,
            ["Collector:ServerActionInterval"] = "00:00:01",
        });
        using var client = ProxyInFront.Client(proxy);
        var session = await OdooSession.LoginAsync(client, odoo);

        // A server action made in the UI (no module XML id), as an operator would: it is known by its name.
        var name = $"Recompute partner ranks {Guid.NewGuid():N}"[..32];
        var modelId = (await session.CallKwAsync("ir.model", "search", [new JsonArray(new JsonArray("model", "=", "res.partner"))]))![0]!.GetValue<long>();
        var actionId = await session.CreateAsync("ir.actions.server", new JsonObject
        {
            ["name"] = name, ["model_id"] = modelId, ["state"] = "code", ["code"] = "env['res.partner'].search_count([])",
        });
        var expected = "rpc:action." + name.ToLowerInvariant().Replace(' ', '_');
        using var admin = new HttpClient { BaseAddress = proxy.AdminUri };
        var created = DateTimeOffset.UtcNow;
        await Wait.UntilAsync(async () => await ProbeSucceededSinceAsync(admin, "server_actions", created),
            "the collector has read the server actions", describe: () => admin.GetStringAsync("/api/db/status"));

        // The web client's /web/action/run, and the action form's "Run" button (call_button ir.actions.server/run).
        await session.CallAsync("/web/action/run", new JsonObject { ["action_id"] = actionId, ["context"] = new JsonObject { ["active_model"] = "res.partner" } });
        await session.CallAsync("/web/dataset/call_button", new JsonObject
        {
            ["model"] = "ir.actions.server", ["method"] = "run", ["args"] = new JsonArray(new JsonArray(actionId)), ["kwargs"] = new JsonObject(),
        });

        var counts = await ProxyInFront.OperationCountsAsync(proxy);
        Assert.True(counts.GetValueOrDefault(expected) == 2, $"{expected}: " + string.Join(", ", counts));
        Assert.DoesNotContain(counts.Keys, k => k == $"rpc:action.{actionId}");
    }

    private static async Task<bool> ProbeSucceededSinceAsync(HttpClient admin, string probe, DateTimeOffset since)
    {
        using var status = JsonDocument.Parse(await admin.GetStringAsync("/api/db/status"));
        return status.RootElement.GetProperty("probes").EnumerateArray().Any(p =>
            p.GetProperty("probe").GetString() == probe
            && p.GetProperty("lastSuccess").ValueKind == JsonValueKind.String
            && p.GetProperty("lastSuccess").GetDateTimeOffset() > since);
    }
}
