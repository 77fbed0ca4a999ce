using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using OdooLatencyProxy.Hosting;
using OdooLatencyProxy.Tests.Infrastructure;

namespace OdooLatencyProxy.Tests.Telemetry;

public sealed class OtlpExportTests
{
    [Fact]
    public async Task WithAnOtlpEndpoint_TheRequestMetricsArePushedOverOtlpHttp()
    {
        // A real HTTP receiver standing in for an OpenTelemetry collector's OTLP/HTTP port.
        var pushes = new ConcurrentQueue<(string Path, string? ContentType, byte[] Body)>();
        await using var collector = await TestUpstream.StartAsync(async c =>
        {
            using var body = new MemoryStream();
            await c.Request.Body.CopyToAsync(body);
            pushes.Enqueue((c.Request.Path.Value ?? "", c.Request.ContentType, body.ToArray()));
            c.Response.StatusCode = StatusCodes.Status200OK;
        });
        await using var odoo = await OdooSimulator.Hosting.OdooSimulatorServer.StartAsync(new OdooSimulator.SimulatorOptions { Workers = 2 });
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Telemetry:OtlpEndpoint"] = new Uri(collector.Uri, "/v1/metrics").ToString(),
            ["Telemetry:OtlpProtocol"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "200", // milliseconds; the default minute is too long for a test
        }).Build();
        await using var proxy = await ProxyHost.StartAsync(TestProxy.Options(odoo.HttpUri, odoo.GeventUri, workers: 2), configuration);
        using var client = TestProxy.Client(proxy);

        using var response = await client.PostAsync("/web/dataset/call_button", new StringContent(
            """{"id":1,"jsonrpc":"2.0","method":"call","params":{"args":[[7]],"kwargs":{},"method":"action_confirm","model":"sale.order"}}""", Encoding.UTF8, "application/json"));

        // Protobuf keeps strings as UTF-8 bytes: the instrument and the operation appear verbatim in a push.
        static bool Has(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
        await Wait.UntilAsync(() => pushes.Any(p => Has(p.Body, "odoo.request.duration") && Has(p.Body, "sale_order.confirm")),
            "a push carries odoo.request.duration for sale_order.confirm", TimeSpan.FromSeconds(20));
        var push = pushes.First(p => Has(p.Body, "odoo.request.duration"));
        Assert.Equal("/v1/metrics", push.Path);
        Assert.Equal("application/x-protobuf", push.ContentType);
    }
}
