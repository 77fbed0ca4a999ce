using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OdooLatencyProxy.RealOdoo.Tests.Support;
using OdooLatencyProxy.Tests.Infrastructure;

namespace OdooLatencyProxy.RealOdoo.Tests.NativeAot;

// The container image ships the native AOT executable (deploy/docker/Dockerfile): that executable, as a process, in
// front of the real Odoo 17 with the collector on its database, as an operator runs the image. A login and a sale order
// confirmation go through it and come out named on /metrics; the collector (Npgsql, trimmed and compiled ahead of time)
// reads the real database with docs/collector.md's read-only role and counts the confirmation.
public sealed class NativeAotOnRealOdooTests
{
    [Fact]
    public async Task TheImagesExecutable_NamesOdoosRequestsAndCollectsFromItsDatabase()
    {
        var odoo = RealOdooServer.Require(log: true, database: true);
        var binary = AotExecutable.Require();
        var output = TestContext.Current.TestOutputHelper!;
        var collectorDb = await CollectorRole.CreateAsync(odoo, "olp_aot_collector");

        var (port, adminPort) = (AotExecutable.FreePort(), AotExecutable.FreePort());
        // Settings the way the image takes them: environment variables.
        var environment = new Dictionary<string, string?>
        {
            ["Collector__ConnectionString"] = collectorDb,
            ["Collector__LogPath"] = odoo.LogPath,
            ["Collector__SaleOrderInterval"] = "00:00:01",
            ["Collector__QueueJobInterval"] = "00:00:01",
            ["Collector__StatementsInterval"] = "00:00:01",
        };
        var started = Stopwatch.StartNew();
        using var process = AotExecutable.Start(binary, environment,
            "--listen", $"http://127.0.0.1:{port}", "--admin-listen", $"http://127.0.0.1:{adminPort}",
            "--upstream", odoo.Url!.GetLeftPart(UriPartial.Authority), "--gevent-upstream", odoo.GeventUrl!.GetLeftPart(UriPartial.Authority),
            "--workers", odoo.Workers.ToString(CultureInfo.InvariantCulture));
        // The collector's warnings, if any, go to stderr: drained too, so they never block the proxy.
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        try
        {
            using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
            await Wait.UntilAsync(async () => await AotExecutable.AnswersAsync(admin, "/readyz"), "the AOT proxy is ready", TimeSpan.FromSeconds(30));
            var ready = started.Elapsed;
            string[] probes = ["queue_job", "sale_order", "db_statements", "cron_log"];
            await Wait.UntilAsync(async () => (await ProbesAsync(admin)) is var states && probes.All(p => states.GetValueOrDefault(p) == "ok"),
                "the collector's probes read the real database once (their baseline)", describe: async () => JsonSerializer.Serialize(await ProbesAsync(admin)));
            var before = PrometheusText.Parse(await admin.GetStringAsync("/metrics"));

            using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"),
                Timeout = TimeSpan.FromSeconds(120),
            };
            var client = new OdooClient(http, odoo);
            await client.AuthenticateAsync();
            var unique = Guid.NewGuid().ToString("N")[..8];
            var partner = (await client.CallKwAsync("res.partner", "create", [new JsonObject { ["name"] = $"AOT customer {unique}" }])).GetInt32();
            var product = (await client.CallKwAsync("product.product", "create", [new JsonObject { ["name"] = $"AOT product {unique}" }])).GetInt32();
            var order = (await client.CallKwAsync("sale.order", "create", [new JsonObject
            {
                ["partner_id"] = partner,
                ["order_line"] = new JsonArray(new JsonArray(0, 0, new JsonObject { ["product_id"] = product, ["product_uom_qty"] = 1 })),
            }])).GetInt32();
            await client.CallButtonAsync("sale.order", "action_confirm", [new JsonArray(order)]);
            var state = await client.CallKwAsync("sale.order", "read", [new JsonArray(order), new JsonArray("state")]);
            Assert.Equal("sale", state[0].GetProperty("state").GetString());

            IReadOnlyList<PrometheusSample> now = [];
            double Delta(string name, params (string, string)[] labels) => PrometheusText.Sum(now, name, labels) - PrometheusText.Sum(before, name, labels);
            await Wait.UntilAsync(async () =>
            {
                now = PrometheusText.Parse(await admin.GetStringAsync("/metrics"));
                return Delta("odoo_sale_order_confirmation_duration_seconds_count") >= 1;
            }, "the collector counted the confirmation from the database", TimeSpan.FromSeconds(30));
            Assert.Equal(1, Delta("odoo_request_duration_seconds_count", ("odoo_operation", "auth.login"), ("odoo_outcome", "ok")));
            Assert.Equal(1, Delta("odoo_request_duration_seconds_count", ("odoo_operation", "sale_order.confirm"), ("odoo_outcome", "ok")));
            Assert.Equal(1, Delta("odoo_sale_order_confirmation_duration_seconds_count"));

            var confirmSeconds = Delta("odoo_request_duration_seconds_sum", ("odoo_operation", "sale_order.confirm"));
            var rss = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"AOT executable on the real Odoo: ready after {ready.TotalMilliseconds:F0} ms; confirmation {confirmSeconds * 1000:F0} ms through the proxy; {rss.Replace("\t", " ", StringComparison.Ordinal)}"));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    private static async Task<Dictionary<string, string>> ProbesAsync(HttpClient admin)
    {
        using var json = JsonDocument.Parse(await admin.GetStringAsync("/api/db/status"));
        return json.RootElement.GetProperty("probes").EnumerateArray().ToDictionary(p => p.GetProperty("probe").GetString()!, p => p.GetProperty("state").GetString()!);
    }
}
