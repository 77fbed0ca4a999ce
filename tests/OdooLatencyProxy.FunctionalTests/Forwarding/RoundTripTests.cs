using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using OdooLatencyProxy.Tests.Infrastructure;

namespace OdooLatencyProxy.Tests.Forwarding;

/// <summary>Bytes and headers pass through the proxy unchanged, in both directions, buffered or not.</summary>
public sealed class RoundTripTests
{
    // Echoes the request body, reports its length and digest, and sets cookies like Odoo does.
    private static async Task Echo(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var bytes = body.ToArray();
        context.Response.Headers["X-Received-Length"] = bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers["X-Received-Sha256"] = Convert.ToHexString(SHA256.HashData(bytes));
        context.Response.Headers["X-Received-Host"] = context.Request.Host.Value;
        context.Response.Headers["X-Received-Forwarded-For"] = context.Request.Headers["X-Forwarded-For"].ToString();
        context.Response.Headers["X-Received-Forwarded-Proto"] = context.Request.Headers["X-Forwarded-Proto"].ToString();
        context.Response.Headers["X-Received-Forwarded-Host"] = context.Request.Headers["X-Forwarded-Host"].ToString();
        context.Response.Headers["X-Received-Real-IP"] = context.Request.Headers["X-Real-IP"].ToString();
        context.Response.Headers["X-Received-Custom"] = context.Request.Headers["X-Custom"].ToString();
        context.Response.Headers["X-Received-Content-Type"] = context.Request.ContentType;
        context.Response.Headers["X-Received-Expect"] = context.Request.Headers.Expect.ToString();
        context.Response.Headers.Append("Set-Cookie", "session_id=abc123; Expires=Fri, 26 Nov 2027 20:25:48 GMT; Max-Age=604800; HttpOnly; Path=/");
        context.Response.Headers.Append("Set-Cookie", "tz=Europe/Brussels; Path=/");
        context.Response.ContentType = context.Request.ContentType ?? "application/octet-stream";
        if (context.Request.Headers.ContentEncoding.Count > 0) context.Response.Headers.ContentEncoding = context.Request.Headers.ContentEncoding;
        if (context.Request.Query.ContainsKey("chunked"))
        {
            // No Content-Length: Kestrel sends it chunked, in several writes.
            for (var offset = 0; offset < bytes.Length; offset += 7919)
            {
                await context.Response.Body.WriteAsync(bytes.AsMemory(offset, Math.Min(7919, bytes.Length - offset)));
                await context.Response.Body.FlushAsync();
            }
        }
        else
        {
            context.Response.ContentLength = bytes.Length;
            await context.Response.Body.WriteAsync(bytes);
        }
    }

    public static TheoryData<string, int, bool, bool> Bodies()
    {
        var data = new TheoryData<string, int, bool, bool>();
        foreach (var buffering in new[] { true, false })
        {
            data.Add("empty", 0, buffering, false);
            data.Add("small", 173, buffering, false);
            data.Add("5 MiB", 5 * 1024 * 1024, buffering, false);
            data.Add("5 MiB chunked both ways", 5 * 1024 * 1024, buffering, true);
            data.Add("just over the memory buffer", 1024 * 1024 + 1, buffering, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Body_RoundTrip_IsByteExact(string name, int size, bool buffering, bool chunked)
    {
        await using var upstream = await TestUpstream.StartAsync(Echo);
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri) with { RequestBuffering = buffering, ResponseBuffering = buffering });
        using var client = TestProxy.Client(proxy);
        var payload = new byte[size];
        new Random(size).NextBytes(payload);

        HttpContent content = chunked ? new StreamContent(new NonSeekableStream(payload)) : new ByteArrayContent(payload);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await client.PostAsync(chunked ? "/web/binary/upload?chunked=1" : "/web/binary/upload", content);
        var received = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(size.ToString(System.Globalization.CultureInfo.InvariantCulture), Header(response, "X-Received-Length"));
        Assert.Equal(Convert.ToHexString(SHA256.HashData(payload)), Header(response, "X-Received-Sha256"));
        Assert.Equal(payload, received);
        _ = name; // Only names the case in the test list.
    }

    [Fact]
    public async Task AnUpstreamNamedByHostName_IsReachedForEveryRequest()
    {
        // localhost may resolve to ::1 first; the test upstream listens on 127.0.0.1 only, so the connector goes on to it.
        await using var upstream = await TestUpstream.StartAsync(Echo);
        var named = new UriBuilder(upstream.Uri) { Host = "localhost" }.Uri;
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(named));
        using var client = TestProxy.Client(proxy);

        for (var i = 0; i < 3; i++)
        {
            using var response = await client.PostAsync("/web/dataset/call_kw", new ByteArrayContent([1, 2, 3, (byte)i]));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(new byte[] { 1, 2, 3, (byte)i }, await response.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task MultipartUpload_ReachesOdooByteExact()
    {
        await using var upstream = await TestUpstream.StartAsync(Echo);
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri));
        using var client = TestProxy.Client(proxy);
        var file = RandomNumberGenerator.GetBytes(300_000);
        using var form = new MultipartFormDataContent("----odooboundary7MA4YWxkTrZu0gW");
        form.Add(new StringContent("REDACTED-csrf"), "csrf_token");
        form.Add(new ByteArrayContent(file), "ufile", "invoice.pdf");
        var wire = await form.ReadAsByteArrayAsync();

        using var response = await client.PostAsync("/web/binary/upload_attachment", form);

        Assert.Equal(Convert.ToHexString(SHA256.HashData(wire)), Header(response, "X-Received-Sha256"));
        Assert.StartsWith("multipart/form-data; boundary=", Header(response, "X-Received-Content-Type"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpectContinue_IsAnsweredByTheProxy_AndNotPassedToOdoo()
    {
        await using var upstream = await TestUpstream.StartAsync(Echo);
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri));
        using var client = TestProxy.Client(proxy);
        var payload = RandomNumberGenerator.GetBytes(200_000);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/web/binary/upload_attachment") { Content = new ByteArrayContent(payload) };
        request.Headers.ExpectContinue = true;

        using var response = await client.SendAsync(request);

        Assert.Equal(payload, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("", Header(response, "X-Received-Expect"));
    }

    [Fact]
    public async Task GzipEncodedBodies_PassThroughCompressed()
    {
        await using var upstream = await TestUpstream.StartAsync(Echo);
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri));
        using var client = TestProxy.Client(proxy);
        var json = """{"jsonrpc":"2.0","method":"call","params":{"model":"sale.order","method":"action_confirm","args":[[7]],"kwargs":{}},"id":3}"""u8.ToArray();
        using var gz = new MemoryStream();
        await using (var zip = new GZipStream(gz, CompressionLevel.Optimal, leaveOpen: true)) await zip.WriteAsync(json);
        var compressed = gz.ToArray();
        var content = new ByteArrayContent(compressed);
        content.Headers.ContentEncoding.Add("gzip");
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await client.PostAsync("/web/dataset/call_button", content);

        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        Assert.Equal(compressed, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Headers_HostIsPreserved_ForwardedHeadersSet_CookiesPassThrough()
    {
        await using var upstream = await TestUpstream.StartAsync(Echo);
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri));
        using var client = TestProxy.Client(proxy);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/web?debug=1");
        request.Headers.Host = "erp.example.com";
        request.Headers.Add("X-Custom", "kept as sent");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("Cookie", "session_id=abc123; tz=Europe/Brussels");

        using var response = await client.SendAsync(request);

        Assert.Equal("erp.example.com", Header(response, "X-Received-Host"));
        Assert.Equal("erp.example.com", Header(response, "X-Received-Forwarded-Host"));
        Assert.Equal("203.0.113.9, 127.0.0.1", Header(response, "X-Received-Forwarded-For"));
        // The client is not a trusted front: its claim of https is replaced by what the proxy saw.
        Assert.Equal("http", Header(response, "X-Received-Forwarded-Proto"));
        Assert.Equal("127.0.0.1", Header(response, "X-Received-Real-IP"));
        Assert.Equal("kept as sent", Header(response, "X-Received-Custom"));
        Assert.Equal(
            ["session_id=abc123; Expires=Fri, 26 Nov 2027 20:25:48 GMT; Max-Age=604800; HttpOnly; Path=/", "tz=Europe/Brussels; Path=/"],
            response.Headers.GetValues("Set-Cookie"));
    }

    [Fact]
    public async Task TrustedFront_KeepsItsProtoAndHost()
    {
        await using var upstream = await TestUpstream.StartAsync(Echo);
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri) with { TrustedProxies = ["127.0.0.0/8"] });
        using var client = TestProxy.Client(proxy);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/web");
        request.Headers.Host = "127.0.0.1:8080";
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "erp.example.com");
        request.Headers.Add("X-Real-IP", "198.51.100.7");

        using var response = await client.SendAsync(request);

        Assert.Equal("https", Header(response, "X-Received-Forwarded-Proto"));
        Assert.Equal("erp.example.com", Header(response, "X-Received-Forwarded-Host"));
        Assert.Equal("198.51.100.7", Header(response, "X-Received-Real-IP"));
    }

    [Fact]
    public async Task BufferTempFiles_AreDeletedAfterTheExchange()
    {
        var temp = Directory.CreateTempSubdirectory("olp-buffers-");
        try
        {
            await using var upstream = await TestUpstream.StartAsync(Echo);
            await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri) with { TempDirectory = temp.FullName, BufferMemoryBytes = 64 * 1024 });
            using var client = TestProxy.Client(proxy);
            var payload = RandomNumberGenerator.GetBytes(3 * 1024 * 1024);

            using var response = await client.PostAsync("/web/binary/upload", new ByteArrayContent(payload));
            Assert.Equal(payload, await response.Content.ReadAsByteArrayAsync());

            await Wait.UntilAsync(() => temp.GetFiles().Length == 0, what: "temp files deleted");
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ResponseLargerThanTheBufferCap_StreamsThroughIntact()
    {
        await using var upstream = await TestUpstream.StartAsync(Echo);
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri) with { MaxResponseBufferBytes = 256 * 1024 });
        using var client = TestProxy.Client(proxy);
        var payload = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 5);

        // Known length over the cap, and unknown length (chunked) crossing the cap mid-body.
        using var sized = await client.PostAsync("/report/pdf/x", new ByteArrayContent(payload));
        using var chunked = await client.PostAsync("/report/pdf/x?chunked=1", new ByteArrayContent(payload));

        Assert.Equal(payload, await sized.Content.ReadAsByteArrayAsync());
        Assert.Equal(payload, await chunked.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task RequestOverTheBodyLimit_Gets413_AndNeverReachesOdoo()
    {
        await using var upstream = await TestUpstream.StartAsync(Echo);
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri) with { MaxRequestBodyBytes = 1000 });
        using var client = TestProxy.Client(proxy);

        using var response = await client.PostAsync("/web/binary/upload", new StreamContent(new NonSeekableStream(new byte[5000])));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(upstream.Arrivals);
    }

    [Fact]
    public async Task AnnouncedBodyOverTheBodyLimit_Gets413_AndNeverReachesOdoo()
    {
        await using var upstream = await TestUpstream.StartAsync(Echo);
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri) with { MaxRequestBodyBytes = 1000 });
        using var client = TestProxy.Client(proxy);

        // A Content-Length small enough for the pooled-array path, but over the limit.
        using var response = await client.PostAsync("/web/dataset/call_kw/res.partner/write", new ByteArrayContent(new byte[5000]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(upstream.Arrivals);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "<missing>";
}

/// <summary>A stream without a length, so HttpClient sends it chunked.</summary>
public sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
{
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => base.Position; set => throw new NotSupportedException(); }
}
