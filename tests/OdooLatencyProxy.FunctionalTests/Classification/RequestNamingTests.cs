using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using OdooLatencyProxy.Odoo.Classification;
using OdooLatencyProxy.Tests.Forwarding;
using OdooLatencyProxy.Tests.Infrastructure;

namespace OdooLatencyProxy.Tests.Classification;

/// <summary>Names and outcomes decided on the real request path; the bytes Odoo receives are the client's.</summary>
public sealed class RequestNamingTests
{
    private const int PeekLimit = ClassificationOptions.DefaultBodyPeekLimitBytes;

    // Answers with the digest of the body it received.
    private static async Task DigestEcho(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($$"""{"jsonrpc":"2.0","id":1,"result":"{{Convert.ToHexString(SHA256.HashData(body.ToArray()))}}"}""");
    }

    // A call_button body of exactly `size` bytes (padding inside the context), as the 17 web client sends it.
    private static byte[] CallButtonBody(int size)
    {
        const string Head = """{"id":7,"jsonrpc":"2.0","method":"call","params":{"args":[[42]],"kwargs":{"context":{"pad":" """;
        const string Tail = "\"}},\"method\":\"action_confirm\",\"model\":\"sale.order\"}}";
        var padding = size - Encoding.UTF8.GetByteCount(Head) - Encoding.UTF8.GetByteCount(Tail);
        return Encoding.UTF8.GetBytes(Head + new string('x', padding) + Tail);
    }

    public static TheoryData<int, bool, bool> Sizes()
    {
        var data = new TheoryData<int, bool, bool>();
        foreach (var buffering in new[] { true, false })
        {
            foreach (var chunked in new[] { false, true })
            {
                foreach (var size in new[] { PeekLimit - 1, PeekLimit, PeekLimit + 1, 10 * PeekLimit })
                {
                    data.Add(size, buffering, chunked);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task BodyAroundThePeekLimit_ReachesOdooByteExact_AndIsNamedWhenItFits(int size, bool buffering, bool chunked)
    {
        await using var upstream = await TestUpstream.StartAsync(DigestEcho);
        var recorder = new RecordingRecorder();
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri, workers: 2) with { RequestBuffering = buffering }, recorder);
        using var client = TestProxy.Client(proxy);
        var body = CallButtonBody(size);

        HttpContent content = chunked ? new StreamContent(new NonSeekableStream(body)) : new ByteArrayContent(body);
        using var response = await client.PostAsync("/web/dataset/call_button", content);

        Assert.Contains(Convert.ToHexString(SHA256.HashData(body)), await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await Wait.UntilAsync(() => recorder.Records.Count == 1);
        var record = Assert.Single(recorder.Records).Record;
        // Within the limit the body names the business operation; beyond it the path-only name stands.
        Assert.Equal(size <= PeekLimit ? "sale_order.confirm" : "rpc:other", record.Operation.Name);
        Assert.Equal(OdooOutcome.Ok, record.Outcome.Outcome);
    }

    [Theory]
    [InlineData("POST", "/web/dataset/call_kw/sale.order/web_save", null, "ui.write")]
    [InlineData("POST", "/web/dataset/call_button/account.move/action_post", null, "invoice.post")]
    [InlineData("GET", "/web/assets/1/web.assets_web.min.js", null, "static")]
    [InlineData("GET", "/web/health", null, "health")]
    [InlineData("POST", "/jsonrpc", """{"jsonrpc":"2.0","method":"call","params":{"service":"object","method":"execute_kw","args":["odoo",2,"secret","account.move","action_post",[[5]],{}]},"id":1}""", "invoice.post")]
    [InlineData("POST", "/xmlrpc/2/object", "<?xml version='1.0'?><methodCall><methodName>execute_kw</methodName><params><param><value><string>odoo</string></value></param><param><value><int>2</int></value></param><param><value><string>secret</string></value></param><param><value><string>sale.order</string></value></param><param><value><string>action_confirm</string></value></param></params></methodCall>", "sale_order.confirm")]
    public async Task EveryRequest_GetsItsOperationName_OnTheRequestPath(string method, string path, string? body, string expected)
    {
        await using var upstream = await TestUpstream.StartAsync(DigestEcho);
        var recorder = new RecordingRecorder();
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri), recorder);
        using var client = TestProxy.Client(proxy);

        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null) request.Content = new StringContent(body);
        using var response = await client.SendAsync(request);

        await Wait.UntilAsync(() => recorder.Records.Count == 1);
        Assert.Equal(expected, Assert.Single(recorder.Records).Record.Operation.Name);
    }

    [Theory]
    [InlineData(null, true, "ok", null)]
    [InlineData("rpc_error", true, "rpc_error", "UserError")]
    [InlineData("rpc_error", false, "rpc_error", "UserError")]
    [InlineData("session_expired", true, "session_expired", null)]
    [InlineData("session_expired", false, "session_expired", null)]
    [InlineData("server_error", true, "server_error", null)]
    public async Task OdooFailuresInsideHttp200_AreCountedAsFailures(string? fail, bool buffering, string outcome, string? error)
    {
        await using var odoo = await OdooSimulator.Hosting.OdooSimulatorServer.StartAsync(new OdooSimulator.SimulatorOptions { Workers = 2 });
        var recorder = new RecordingRecorder();
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(odoo.HttpUri, odoo.GeventUri) with { ResponseBuffering = buffering }, recorder);
        using var client = TestProxy.Client(proxy);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/web/dataset/call_button")
        {
            Content = new StringContent("""{"id":3,"jsonrpc":"2.0","method":"call","params":{"args":[[12]],"kwargs":{"context":{}},"method":"action_post","model":"account.move"}}""", Encoding.UTF8, "application/json"),
        };
        if (fail is not null) request.Headers.Add("X-Sim-Fail", fail);

        using var response = await client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();

        await Wait.UntilAsync(() => recorder.Records.Count == 1);
        var record = Assert.Single(recorder.Records).Record;
        Assert.Equal("invoice.post", record.Operation.Name);
        Assert.Equal(outcome, record.Outcome.OutcomeName);
        Assert.Equal(error, record.Outcome.ErrorName);
    }

    [Fact]
    public async Task TransportFailures_AreUpstreamErrorsAndTimeouts_NotOk()
    {
        await using var upstream = await TestUpstream.StartAsync(async c =>
        {
            if (c.Request.Path == "/slow") await Task.Delay(Timeout.Infinite, c.RequestAborted);
            else c.Abort();
        });
        var recorder = new RecordingRecorder();
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri) with { Timeout = TimeSpan.FromMilliseconds(300) }, recorder);
        using var client = TestProxy.Client(proxy);

        using var slow = await client.GetAsync("/slow");
        using var reset = await client.GetAsync("/reset");

        await Wait.UntilAsync(() => recorder.Records.Count == 2);
        var outcomes = recorder.Records.ToDictionary(r => r.Record.Operation.Name == "other" ? r.Status.ToString(System.Globalization.CultureInfo.InvariantCulture) : r.Record.Operation.Name, r => r.Record.Outcome.Outcome);
        Assert.Equal(HttpStatusCode.GatewayTimeout, slow.StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, reset.StatusCode);
        Assert.Equal(OdooOutcome.Timeout, outcomes["504"]);
        Assert.Equal(OdooOutcome.UpstreamError, outcomes["502"]);
    }
}
