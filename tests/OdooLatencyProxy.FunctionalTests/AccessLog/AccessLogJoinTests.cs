using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using OdooLatencyProxy.Hosting;
using OdooLatencyProxy.Tests.Infrastructure;
using OdooSimulator;
using OdooSimulator.Hosting;

namespace OdooLatencyProxy.Tests.AccessLog;

/// <summary>The proxy following a log the simulator writes in Odoo's format, under concurrent load on several workers.</summary>
public sealed class AccessLogJoinTests
{
    [Fact]
    public async Task ConcurrentRequestsOnFourWorkers_EveryLineJoinedOnce_FiguresLandUnderTheirOperation()
    {
        var log = Path.Combine(Path.GetTempPath(), $"olp-access-{Guid.NewGuid():N}.log");
        try
        {
            await using var sim = await OdooSimulatorServer.StartAsync(new SimulatorOptions { Workers = 4, Backlog = 256, AccessLogPath = log });
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Collector:LogPath"] = log,
                ["Collector:LogInterval"] = "00:00:00.2",
            }).Build();
            await using var proxy = await ProxyHost.StartAsync(TestProxy.Options(sim.HttpUri, sim.GeventUri, workers: 4), configuration);
            using var client = TestProxy.Client(proxy);
            using var admin = new HttpClient { BaseAddress = proxy.AdminUri };

            // Same targets many times at once (the join must tell them apart by time), and two operations with fixed
            // simulated times, so their made-up figures are known: 100 ms = 50 queries, 40 ms SQL, 60 ms Python; 20 ms = 10 queries.
            const int PerOperation = 40;
            var sends = Enumerable.Range(0, PerOperation).SelectMany(i => new[]
            {
                SendAsync(client, "/web/dataset/call_kw/sale.order/web_read", "sale.order", "web_read", delayMs: 100),
                SendAsync(client, "/web/dataset/call_kw/res.partner/web_search_read", "res.partner", "web_search_read", delayMs: 20),
            });
            await Task.WhenAll(sends);

            JsonElement status = default;
            await Wait.UntilAsync(async () =>
            {
                using var doc = JsonDocument.Parse(await admin.GetStringAsync(new Uri("/api/status", UriKind.Relative)));
                status = doc.RootElement.GetProperty("accessLog").Clone();
                return status.GetProperty("matched").GetInt64() >= 2 * PerOperation;
            }, "every line joined", describe: async () => status.GetRawText());
            Assert.Equal(2 * PerOperation, status.GetProperty("matched").GetInt64());
            Assert.Equal(0, status.GetProperty("unmatched").GetInt64());
            Assert.Equal(0, status.GetProperty("ambiguous").GetInt64());
            Assert.Equal("ok", status.GetProperty("state").GetString());

            using var costs = JsonDocument.Parse(await admin.GetStringAsync(new Uri("/api/costs", UriKind.Relative)));
            var byOperation = costs.RootElement.GetProperty("operations").EnumerateArray()
                .ToDictionary(o => o.GetProperty("operation").GetString()!, o => o.GetProperty("windows").GetProperty("1m").Clone());
            // Both calls are reads: one operation, half its requests at 10 queries, half at 50.
            var read = byOperation["ui.read"];
            Assert.Equal(2 * PerOperation, read.GetProperty("count").GetInt64());
            Assert.Equal(10, read.GetProperty("queries").GetProperty("p50").GetDouble());
            Assert.Equal(50, read.GetProperty("queries").GetProperty("max").GetDouble());
            Assert.Equal(0.040, read.GetProperty("sqlSeconds").GetProperty("max").GetDouble(), 3);
            Assert.Equal(0.060, read.GetProperty("pythonSeconds").GetProperty("max").GetDouble(), 3);
        }
        finally
        {
            File.Delete(log);
        }
    }

    private static async Task SendAsync(HttpClient client, string path, string model, string method, int delayMs)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent("{\"jsonrpc\":\"2.0\",\"method\":\"call\",\"id\":1,\"params\":{\"model\":\"" + model + "\",\"method\":\"" + method + "\",\"args\":[[1]],\"kwargs\":{}}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Sim-Delay-Ms", delayMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }
}
