using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using OdooLatencyProxy.Testing.Http;
using OdooSimulator.Tests.Support;

namespace OdooSimulator.Tests.Routing;

public sealed class RoutesTests
{
    [Fact]
    public async Task Health_AnswersExactlyLikeTheCapture()
    {
        await using var sim = await Sim.StartAsync();

        var response = await RawHttp.GetAsync(sim.HttpUri, "/web/health");

        Assert.Equal("HTTP/1.0", response.Version);
        Assert.Equal("{\"status\": \"pass\"}", response.BodyText);
        Assert.Equal(["Server", "Date", "Content-Type", "Cache-Control", "Content-Length", "X-Content-Type-Options", "Connection"], response.Headers.Select(h => h.Key));
        Assert.Equal("no-store", response.Header("Cache-Control"));
    }

    [Fact]
    public async Task Head_SendsTheHeadersAndNoBody()
    {
        await using var sim = await Sim.StartAsync();
        using var cts = new CancellationTokenSource(RawHttp.Deadline);
        using var socket = await RawHttp.ConnectAsync(sim.HttpUri, cts.Token);
        await socket.SendAsync("HEAD /web/health HTTP/1.1\r\nHost: sim\r\n\r\n"u8.ToArray(), SocketFlags.None, cts.Token);
        var reader = new SocketReader(socket);

        var all = Encoding.ASCII.GetString(await reader.ReadToEndAsync(cts.Token));

        Assert.StartsWith("HTTP/1.0 200 OK\r\n", all, StringComparison.Ordinal);
        Assert.Contains("Content-Length: 18\r\n", all, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StaticFile_HasAnETag_AndAConditionalGetGets304WithoutABody()
    {
        await using var sim = await Sim.StartAsync();

        var first = await RawHttp.GetAsync(sim.HttpUri, "/web/static/img/logo.png");
        var etag = first.Header("ETag")!;
        var second = await RawHttp.GetAsync(sim.HttpUri, "/web/static/img/logo.png", ("If-None-Match", etag));
        var asset = await RawHttp.GetAsync(sim.HttpUri, "/web/assets/ccc2a40/web.assets_frontend.min.css");

        Assert.Equal(200, first.Status);
        Assert.Equal(2901, first.Body.Length);
        Assert.Equal("image/png", first.Header("Content-Type"));
        Assert.Equal(2, first.HeaderValues("Date").Count());
        Assert.Equal(304, second.Status);
        Assert.Empty(second.Body);
        Assert.Null(second.Header("Content-Length"));
        Assert.Equal(etag, second.Header("ETag"));
        Assert.Equal("public, max-age=31536000, immutable", asset.Header("Cache-Control"));
        Assert.Equal("text/css; charset=utf-8", asset.Header("Content-Type"));
        Assert.Equal(3, sim.OperationCounts()[SimOperations.Static]);
    }

    [Fact]
    public async Task UnknownPath_GetsOdoos404Page()
    {
        await using var sim = await Sim.StartAsync();

        var response = await RawHttp.GetAsync(sim.HttpUri, "/no/such/page");
        var missingStatic = await RawHttp.GetAsync(sim.HttpUri, "/web/static/img/does-not-exist.png");

        Assert.Equal(404, response.Status);
        Assert.Equal("NOT FOUND", response.Reason);
        Assert.Contains("We couldn't find the page you're looking for!", response.BodyText, StringComparison.Ordinal);
        Assert.Equal(404, missingStatic.Status);
    }

    [Theory]
    [InlineData("/web/image/res.partner/7/avatar_128", "image/svg+xml; charset=utf-8")]
    [InlineData("/web/image/product.product/999999/image_128", "image/png")]
    [InlineData("/report/pdf/sale.report_saleorder/9", "application/pdf")]
    public async Task ImagesAndReports_AnswerTheirContentTypes(string path, string contentType)
    {
        await using var sim = await Sim.StartAsync();

        var response = await RawHttp.GetAsync(sim.HttpUri, path);

        Assert.Equal(200, response.Status);
        Assert.Equal(contentType, response.Header("Content-Type"));
        Assert.NotEmpty(response.Body);
    }

    [Fact]
    public async Task QueueJobRunjob_Answers200_Or400ForAUserError()
    {
        await using var sim = await Sim.StartAsync();

        var ok = await RawHttp.GetAsync(sim.HttpUri, "/queue_job/runjob?db=odoo&job_uuid=abc");
        var failed = await RawHttp.GetAsync(sim.HttpUri, "/queue_job/runjob?db=odoo&job_uuid=abc", ("X-Sim-Fail", "rpc_error"));

        Assert.Equal(200, ok.Status);
        Assert.Equal(400, failed.Status);
        Assert.Equal(2, sim.OperationCounts()[SimOperations.QueueJobRun]);
    }

    [Theory]
    [InlineData("/websocket")]
    [InlineData("/longpolling/poll")]
    public async Task RealtimePathsOnTheWorkerPort_Get500LikeOdoo(string path)
    {
        await using var sim = await Sim.StartAsync();

        var response = await RawHttp.GetAsync(sim.HttpUri, path, ("Connection", "Upgrade"), ("Upgrade", "websocket"));

        Assert.Equal(500, response.Status);
    }

    [Fact]
    public async Task Echo_ReturnsA5MiBBinaryBodyByteForByte_AndTheRequestHeaders()
    {
        await using var sim = await Sim.StartAsync();
        var body = new byte[5 * 1024 * 1024];
        new Random(7).NextBytes(body);

        var response = await RawHttp.SendAsync(sim.HttpUri, "POST", "/__sim/echo", [("Content-Type", "application/octet-stream"), ("X-Custom", "one"), ("X-Custom", "two")], body);

        Assert.Equal(200, response.Status);
        Assert.True(body.AsSpan().SequenceEqual(response.Body));
        var headers = JsonSerializer.Deserialize<string[][]>(Convert.FromBase64String(response.Header("X-Sim-Request-Headers")!))!;
        Assert.Contains(headers, h => h[0] == "X-Custom" && h[1] == "one");
        Assert.Contains(headers, h => h[0] == "X-Custom" && h[1] == "two");
        Assert.Contains(headers, h => h[0] == "Content-Length" && h[1] == body.Length.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Echo_DecodesAChunkedRequestBody_WithExtensionsAndTrailers()
    {
        await using var sim = await Sim.StartAsync();
        var payload = new byte[300_000];
        new Random(3).NextBytes(payload);
        var request = new MemoryStream();
        request.Write("POST /__sim/echo HTTP/1.1\r\nHost: sim\r\nTransfer-Encoding: chunked\r\n\r\n"u8);
        for (int offset = 0, size = 1; offset < payload.Length; offset += size, size = Math.Min(size * 3, 70_000))
        {
            var take = Math.Min(size, payload.Length - offset);
            request.Write(Encoding.ASCII.GetBytes(take.ToString("x", CultureInfo.InvariantCulture) + (offset == 0 ? ";name=value" : string.Empty) + "\r\n"));
            request.Write(payload, offset, take);
            request.Write("\r\n"u8);
        }

        request.Write("0\r\nX-Trailer: done\r\n\r\n"u8);

        var response = await RawHttp.ExchangeAsync(sim.HttpUri, request.ToArray());

        Assert.Equal(200, response.Status);
        Assert.Equal(payload.Length.ToString(CultureInfo.InvariantCulture), response.Header("Content-Length"));
        Assert.True(payload.AsSpan().SequenceEqual(response.Body));
    }

    [Fact]
    public async Task ResponseBytesHeader_StreamsOneGibibyteWithItsContentLength()
    {
        await using var sim = await Sim.StartAsync();
        const long length = 1L << 30;
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var socket = await RawHttp.ConnectAsync(sim.HttpUri, cts.Token);
        await socket.SendAsync("GET /web/content/42 HTTP/1.1\r\nHost: sim\r\nX-Sim-Response-Bytes: 1073741824\r\n\r\n"u8.ToArray(), SocketFlags.None, cts.Token);
        var reader = new SocketReader(socket);

        Assert.Equal("HTTP/1.0 200 OK", await reader.ReadLineAsync(cts.Token));
        string? contentLength = null;
        string? line;
        while (!string.IsNullOrEmpty(line = await reader.ReadLineAsync(cts.Token)))
        {
            if (line.StartsWith("Content-Length: ", StringComparison.Ordinal))
            {
                contentLength = line["Content-Length: ".Length..];
            }
        }

        Assert.Equal("1073741824", contentLength);
        Assert.Equal(length, await reader.DrainAsync(length, offset => (byte)(offset % 251), cts.Token));
        Assert.True(await reader.IsAtEndAsync(cts.Token));
    }
}
