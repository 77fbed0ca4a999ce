using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using OdooLatencyProxy.Odoo.Classification;
using OdooLatencyProxy.Testing.Http;
using OdooLatencyProxy.Tests.Infrastructure;

namespace OdooLatencyProxy.Tests.RequestPath;

/// <summary>
/// Requests whose body length two parsers could read differently are refused with 400 by the proxy, recorded as
/// <c>client_error</c>, and never reach Odoo (RFC 9112 §6.3, as nginx does). Raw bytes on a real socket: no client
/// library would send them.
/// </summary>
public sealed class RequestFramingTests
{
    // A worker route (admission, buffering) and a gevent route (forwarded as a stream, no worker).
    public static TheoryData<string, string> Malformed()
    {
        var data = new TheoryData<string, string>();
        foreach (var path in new[] { "/web/dataset/call_kw/res.partner/read", "/longpolling/poll" })
        {
            data.Add(path, "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
            data.Add(path, "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
            data.Add(path, "Transfer-Encoding: identity, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
            data.Add(path, "Transfer-Encoding: chunked, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
            data.Add(path, "HTTP/1.0 Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task AmbiguousBodyLength_Is400_RecordedClientError_AndNeverReachesOdoo(string path, string framing)
    {
        await using var upstream = await TestUpstream.StartAsync(Echo);
        var recorder = new RecordingRecorder();
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri, workers: 1), recorder);

        var response = await RawHttp.ExchangeAsync(proxy.PublicUri, Request(path, framing));

        Assert.Equal(400, response.Status);
        // The connection is not reused: whatever the client meant as the body's end is unknown.
        Assert.Equal("close", response.Header("Connection"), StringComparer.OrdinalIgnoreCase);
        await Wait.UntilAsync(() => recorder.Records.Any(r => r.TestId == "framing"), "the refusal is recorded");
        var record = Assert.Single(recorder.Records, r => r.TestId == "framing");
        Assert.Equal(400, record.Status);
        Assert.Equal(OdooOutcome.ClientError, record.Record.Outcome.Outcome);
        Assert.Null(record.Record.Pool); // No worker was taken.
        Assert.Empty(upstream.Arrivals);
    }

    [Theory]
    [InlineData("/web/dataset/call_kw/res.partner/read", true)]
    [InlineData("/longpolling/poll", false)]
    public async Task ChunkSizeThatOverflows_Is400_RecordedClientError_AndTheConnectionCloses(string path, bool buffered)
    {
        await using var upstream = await TestUpstream.StartAsync(Echo);
        var recorder = new RecordingRecorder();
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri, workers: 1), recorder);

        // nginx answers 400; Kestrel reports this one as an IOException, not as a bad request.
        var response = await RawHttp.ExchangeAsync(proxy.PublicUri,
            Request(path, "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nhello\r\n0\r\n\r\n"));

        Assert.Equal(400, response.Status);
        Assert.Equal("close", response.Header("Connection"), StringComparer.OrdinalIgnoreCase);
        await Wait.UntilAsync(() => !recorder.Records.IsEmpty, "the refusal is recorded");
        var record = Assert.Single(recorder.Records);
        Assert.Equal(400, record.Status);
        Assert.Equal(OdooOutcome.ClientError, record.Record.Outcome.Outcome);
        // Buffered bodies are read before a worker is taken; the gevent routes stream theirs, so Odoo may see the
        // request start there, never its body.
        if (buffered) Assert.Empty(upstream.Arrivals);
    }

    [Theory]
    [InlineData("/web/dataset/call_kw/res.partner/read")]
    [InlineData("/longpolling/poll")]
    public async Task ContentLengthWithASign_ReachesOdooOnlyAsAPlainLength(string path)
    {
        await using var upstream = await TestUpstream.StartAsync(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            await context.Response.WriteAsync($"{context.Request.Headers.ContentLength}|{context.Request.Headers.TransferEncoding}|{Encoding.UTF8.GetString(body.ToArray())}");
        });
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri, workers: 1));

        var response = await RawHttp.ExchangeAsync(proxy.PublicUri, Request(path, "Content-Length: +5\r\n\r\nhello"));

        // Kestrel parses "+5" as 5 and gives the application only the number, so the proxy cannot refuse it as nginx
        // does; what Odoo receives is unambiguous: Content-Length 5 and the five bytes.
        Assert.Equal(200, response.Status);
        Assert.Equal("5||hello", response.BodyText);
    }

    [Theory]
    [InlineData("/web/dataset/call_kw/res.partner/read")]
    [InlineData("/longpolling/poll")]
    public async Task LastCodingNotChunked_IsRefusedByKestrelItself_AndNeverReachesOdoo(string path)
    {
        await using var upstream = await TestUpstream.StartAsync(Echo);
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri, workers: 1));

        var response = await RawHttp.ExchangeAsync(proxy.PublicUri, Request(path, "Transfer-Encoding: gzip\r\n\r\n5\r\nhello\r\n0\r\n\r\n"));

        // Refused by the server before the proxy sees the request (so not recorded), as RFC 9112 §6.3 requires.
        Assert.Equal(400, response.Status);
        Assert.Empty(upstream.Arrivals);
    }

    [Theory]
    [InlineData("Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")]
    [InlineData("Transfer-Encoding: Chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")]
    [InlineData("Content-Length: 5\r\n\r\nhello")]
    [InlineData("Content-Length: 005\r\n\r\nhello")]
    public async Task WellFramedBody_StillReachesOdooByteExact(string framing)
    {
        await using var upstream = await TestUpstream.StartAsync(Echo);
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri, workers: 1));

        var response = await RawHttp.ExchangeAsync(proxy.PublicUri, Request("/web/dataset/call_kw/res.partner/read", framing));

        Assert.Equal(200, response.Status);
        Assert.Equal("hello", response.BodyText);
        Assert.Single(upstream.Arrivals);
    }

    [Fact]
    public async Task ClientLeavingMidBody_IsStillAClientAbort_NotA400()
    {
        await using var upstream = await TestUpstream.StartAsync(Echo);
        var recorder = new RecordingRecorder();
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri, workers: 1), recorder);

        using (var socket = await RawHttp.ConnectAsync(proxy.PublicUri, TestContext.Current.CancellationToken))
        {
            await socket.SendAsync(Request("/web/dataset/call_kw/res.partner/read", "Transfer-Encoding: chunked\r\n\r\n400\r\nhalf"), SocketFlags.None);
            await Wait.UntilAsync(() => recorder.StartedCount > 0, "the proxy has the request");
        }

        await Wait.UntilAsync(() => !recorder.Records.IsEmpty, "the abort is recorded");
        var record = Assert.Single(recorder.Records);
        Assert.Equal(OdooOutcome.ClientAbort, record.Record.Outcome.Outcome);
        Assert.Empty(upstream.Arrivals);
    }

    private static byte[] Request(string path, string framing)
    {
        var version = "HTTP/1.1";
        if (framing.StartsWith("HTTP/1.0 ", StringComparison.Ordinal))
        {
            version = "HTTP/1.0";
            framing = framing["HTTP/1.0 ".Length..];
        }
        return Encoding.Latin1.GetBytes($"POST {path} {version}\r\nHost: odoo.test\r\nX-Test-Id: framing\r\nContent-Type: application/json\r\n{framing}");
    }

    private static async Task Echo(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        await context.Response.Body.WriteAsync(body.ToArray());
    }
}
