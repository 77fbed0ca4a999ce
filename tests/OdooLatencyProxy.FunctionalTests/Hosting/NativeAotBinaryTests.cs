using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using OdooLatencyProxy.Testing;
using OdooLatencyProxy.Tests.Infrastructure;

namespace OdooLatencyProxy.Tests.Hosting;

/// <summary>
/// The native AOT executable (README, "Native AOT build") run as a process: it forwards, serves the admin API and
/// refuses bad settings like the JIT build. Opt-in: set <c>ODOO_PROXY_AOT_BINARY</c> to the published executable.
/// </summary>
public sealed class NativeAotBinaryTests
{
    private const string RpcAnswer = """{"jsonrpc": "2.0", "id": 1, "result": [{"id": 7, "name": "S00007"}]}""";

    [Fact]
    public async Task TheAotBinary_ForwardsAndServesTheAdminApi()
    {
        var binary = AotExecutable.Require();
        await using var upstream = await TestUpstream.StartAsync(async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(RpcAnswer);
        });
        var (port, adminPort) = (AotExecutable.FreePort(), AotExecutable.FreePort());
        var origin = upstream.Uri.GetLeftPart(UriPartial.Authority);
        // Settings from every source, so the trimmed executable shows it still binds them: flags, and environment
        // variables for a plain section and for a record nested in a list (a classification rule).
        var environment = new Dictionary<string, string?>
        {
            ["Telemetry__SlowRequests"] = "7",
            ["Classification__Rules__0__Name"] = "custom.report",
            ["Classification__Rules__0__Path"] = "/custom/**",
        };
        using var process = AotExecutable.Start(binary, environment, "--listen", $"http://127.0.0.1:{port}", "--admin-listen", $"http://127.0.0.1:{adminPort}",
            "--upstream", origin, "--gevent-upstream", origin, "--workers", "3");
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
            await Wait.UntilAsync(async () => await AotExecutable.AnswersAsync(admin, "/readyz"), "the AOT proxy is ready", TimeSpan.FromSeconds(30));

            using var rpc = new StringContent("""{"jsonrpc":"2.0","method":"call","params":{"model":"sale.order","method":"read","args":[[7]]},"id":1}""",
                Encoding.UTF8, "application/json");
            using var response = await client.PostAsync(new Uri("/web/dataset/call_kw/sale.order/read", UriKind.Relative), rpc, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(RpcAnswer, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            using var custom = await client.GetAsync(new Uri("/custom/monthly", UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, custom.StatusCode);

            // The JSON documents come from the source-generated serializer: the request shows up in them.
            await Wait.UntilAsync(
                async () => (await Get(admin, "/api/status")).Contains("custom.report", StringComparison.Ordinal), "/api/status lists the configured operation",
                describe: () => Get(admin, "/api/operations"));
            using var status = JsonDocument.Parse(await Get(admin, "/api/status"));
            Assert.True(status.RootElement.GetProperty("telemetryEnabled").GetBoolean());
            Assert.Contains("custom.report", status.RootElement.GetProperty("operations").EnumerateArray().Select(o => o.GetProperty("operation").GetString()));
            var pool = Assert.Single(status.RootElement.GetProperty("workers").EnumerateArray());
            Assert.Equal(3, pool.GetProperty("destinations")[0].GetProperty("limit").GetInt32());
            using var slow = JsonDocument.Parse(await Get(admin, "/api/slow-requests"));
            Assert.Equal(7, slow.RootElement.GetProperty("capacity").GetInt32());
            using var costs = JsonDocument.Parse(await Get(admin, "/api/costs"));
            Assert.Equal(JsonValueKind.Array, costs.RootElement.GetProperty("operations").ValueKind);
            using var db = JsonDocument.Parse(await Get(admin, "/api/db/status"));
            Assert.False(db.RootElement.GetProperty("enabled").GetBoolean());
            Assert.Contains("odoo_", await Get(admin, "/metrics"), StringComparison.Ordinal);
            Assert.Contains("<html", await Get(admin, "/status"), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task TheAotBinary_WithBadSettings_ReportsEveryOneAndExits()
    {
        var binary = AotExecutable.Require();
        // A plain setting and a key nested in a list of the Classification section (its record's properties must survive
        // trimming); environment variables, as flags' errors end the start before the settings are read.
        using var process = AotExecutable.Start(binary, new Dictionary<string, string?> { ["Proxy__Workers"] = "many", ["Classification__Rules__0__Nmae"] = "typo" },
            "--listen", "http://127.0.0.1:0", "--admin-listen", "http://127.0.0.1:0");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);

        Assert.Equal(2, process.ExitCode);
        Assert.Equal(
            ["Invalid configuration: Proxy:Workers (--workers): 'many' is not a whole number",
             "Invalid configuration: Classification:Rules:0:Nmae: unknown setting (see docs/configuration.md for the valid ones)",
             "Invalid configuration: Classification:Rules:0: Classification rule #0 ('<no name>'): Name is required."],
            (await stderr).Trim().Split('\n'));
    }

    private static Task<string> Get(HttpClient admin, string path) =>
        admin.GetStringAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
}
