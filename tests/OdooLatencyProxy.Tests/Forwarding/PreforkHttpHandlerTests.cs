using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using OdooLatencyProxy.Forwarding;
using OdooLatencyProxy.Testing.Http;

namespace OdooLatencyProxy.Tests.Forwarding;

/// <summary>
/// The proxy's own HTTP/1.1 client to Odoo's workers against a scripted server on 127.0.0.1: the bytes it sends, the
/// framings it reads, and the answers it refuses, each as SocketsHttpHandler reports them.
/// </summary>
public sealed class PreforkHttpHandlerTests : IAsyncDisposable
{
    private readonly ScriptedUpstream _upstream = new();
    private readonly HttpMessageInvoker _client;

    public PreforkHttpHandlerTests() =>
        _client = new HttpMessageInvoker(new PreforkHttpHandler(new SocketsHttpHandler { UseProxy = false }, new UpstreamConnector(TimeProvider.System), new KeepAliveDestinations(NullLogger<KeepAliveDestinations>.Instance)));

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private Uri Url(string path) => new($"http://127.0.0.1:{_upstream.Port}{path}");

    private async Task<(HttpResponseMessage Response, string Body)> SendAsync(HttpRequestMessage request)
    {
        var response = await _client.SendAsync(request, Token);
        // The length as Odoo framed it, before buffering the body gives the content a length of its own.
        _lengthBeforeReading = response.Content.Headers.ContentLength;
        var body = await response.Content.ReadAsStringAsync(Token);
        return (response, body);
    }

    private long? _lengthBeforeReading;

    private Task<(HttpResponseMessage Response, string Body)> GetAsync(string answer)
    {
        _upstream.Answer = answer;
        return SendAsync(new HttpRequestMessage(HttpMethod.Get, Url("/web")));
    }

    [Fact]
    public async Task Get_SendsOneHeadWithHostAndTheHeaders_AndReadsALengthBody()
    {
        _upstream.Answer = "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nConnection: close\r\n\r\n{}";
        var request = new HttpRequestMessage(HttpMethod.Get, Url("/web/image?model=res.partner&id=7"));
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "192.0.2.1");
        request.Headers.TryAddWithoutValidation("Cookie", ["session_id=abc", "tz=UTC"]);

        var (response, body) = await SendAsync(request);

        Assert.Equal(
            $"GET /web/image?model=res.partner&id=7 HTTP/1.1\r\nHost: 127.0.0.1:{_upstream.Port}\r\nX-Forwarded-For: 192.0.2.1\r\nCookie: session_id=abc; tz=UTC\r\n\r\n",
            Assert.Single(_upstream.Requests));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version10, response.Version);
        Assert.Equal("{}", body);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(2, response.Content.Headers.ContentLength);
        Assert.Equal(["a=1", "b=2"], response.Headers.GetValues("Set-Cookie"));
    }

    [Fact]
    public async Task Post_BodyOfKnownLength_FollowsItsHead_WithThatLength()
    {
        _upstream.Answer = "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n";
        var request = new HttpRequestMessage(HttpMethod.Post, Url("/web/dataset/call_kw/sale.order/action_confirm"))
        {
            Content = new StringContent("""{"jsonrpc":"2.0"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true;

        await SendAsync(request);

        Assert.Equal(
            $"POST /web/dataset/call_kw/sale.order/action_confirm HTTP/1.1\r\nHost: 127.0.0.1:{_upstream.Port}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 17\r\n\r\n" +
            """{"jsonrpc":"2.0"}""",
            Assert.Single(_upstream.Requests));
    }

    [Fact]
    public async Task Post_BodyOfUnknownLength_GoesChunked()
    {
        _upstream.Answer = "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n";
        var request = new HttpRequestMessage(HttpMethod.Post, Url("/upload")) { Content = new UnknownLengthContent("hello", " odoo") };

        await SendAsync(request);

        Assert.Equal($"POST /upload HTTP/1.1\r\nHost: 127.0.0.1:{_upstream.Port}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5\r\n odoo\r\n0\r\n\r\n",
            Assert.Single(_upstream.Requests));
    }

    [Fact]
    public async Task Post_WithoutContent_SaysItsBodyIsEmpty()
    {
        _upstream.Answer = "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n";
        await SendAsync(new HttpRequestMessage(HttpMethod.Post, Url("/web/session/logout")));
        Assert.Contains("\r\nContent-Length: 0\r\n\r\n", Assert.Single(_upstream.Requests), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LargeBody_ArrivesWhole()
    {
        _upstream.Answer = "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n";
        var payload = new string('x', 300_000);
        await SendAsync(new HttpRequestMessage(HttpMethod.Post, Url("/web/binary/upload")) { Content = new StringContent(payload) });
        Assert.EndsWith("\r\n\r\n" + payload, Assert.Single(_upstream.Requests), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChunkedAnswer_IsDecoded_ExtensionsAndTrailersDropped()
    {
        var (_, body) = await GetAsync("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");
        Assert.Equal("hello world", body);
        Assert.Null(_lengthBeforeReading);
    }

    [Fact]
    public async Task AnswerWithoutLength_IsReadUntilOdooCloses()
    {
        var (_, body) = await GetAsync("HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html>streamed</html>");
        Assert.Equal("<html>streamed</html>", body);
    }

    [Fact]
    public async Task TransferEncodingWithContentLength_ChunkedWins_AndTheLengthIsDropped()
    {
        var (_, body) = await GetAsync("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\nok\r\n0\r\n\r\n");
        Assert.Equal("ok", body);
        Assert.Null(_lengthBeforeReading);
    }

    [Fact]
    public async Task Head_And204And304_HaveNoBody_EvenWithALength()
    {
        _upstream.Answer = "HTTP/1.0 200 OK\r\nContent-Length: 1234\r\n\r\n";
        var (head, headBody) = await SendAsync(new HttpRequestMessage(HttpMethod.Head, Url("/web/login")));
        Assert.Equal("", headBody);
        Assert.Equal(1234, head.Content.Headers.ContentLength);

        var (noContent, noContentBody) = await GetAsync("HTTP/1.0 204 NO CONTENT\r\n\r\n");
        Assert.Equal(HttpStatusCode.NoContent, noContent.StatusCode);
        Assert.Equal("", noContentBody);
        Assert.Null(_lengthBeforeReading); // no length Odoo did not send
        var (notModified, notModifiedBody) = await GetAsync("HTTP/1.0 304 NOT MODIFIED\r\nContent-Length: 10\r\n\r\n");
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal("", notModifiedBody);
    }

    [Fact]
    public async Task InterimAnswers_AreSkipped_TheFinalOneIsReturned()
    {
        var (response, body) = await GetAsync("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.0 201 CREATED\r\nContent-Length: 1\r\n\r\n1");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("CREATED", response.ReasonPhrase);
        Assert.Equal("1", body);
    }

    [Theory]
    [InlineData("HTTP/2 200 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 20 OK\r\n\r\n")]
    [InlineData("ICY 200 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nBad Name: a\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\n: no name\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello!")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n")]
    [InlineData("HTTP/1.1 101 Switching Protocols\r\n\r\n")]
    public async Task MalformedHeads_AreRefused_AsAnswersThatWereNotHttp(string answer)
    {
        _upstream.Answer = answer;
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => _client.SendAsync(new HttpRequestMessage(HttpMethod.Get, Url("/web")), Token));
        Assert.Equal(HttpRequestError.InvalidResponse, e.HttpRequestError);
    }

    [Fact]
    public async Task RepeatedEqualLengths_AreOneLength()
    {
        var (_, body) = await GetAsync("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        Assert.Equal("ok", body);
    }

    [Fact]
    public async Task AHeadOver64KiB_IsRefused()
    {
        _upstream.Answer = "HTTP/1.1 200 OK\r\n" + string.Concat(Enumerable.Repeat("X-Padding: " + new string('p', 1000) + "\r\n", 70)) + "\r\n";
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => _client.SendAsync(new HttpRequestMessage(HttpMethod.Get, Url("/web")), Token));
        Assert.Equal(HttpRequestError.InvalidResponse, e.HttpRequestError);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", HttpRequestError.InvalidResponse)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n", HttpRequestError.InvalidResponse)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n", HttpRequestError.InvalidResponse)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n", HttpRequestError.InvalidResponse)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\nx", HttpRequestError.InvalidResponse)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", HttpRequestError.ResponseEnded)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", HttpRequestError.ResponseEnded)]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nshort", HttpRequestError.ResponseEnded)]
    public async Task ABodyThatBreaksOff_OrIsMalformed_FailsItsRead(string answer, HttpRequestError error)
    {
        _upstream.Answer = answer;
        using var response = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Get, Url("/web")), Token);
        // As YARP reads it: the content's stream (HttpContent's own buffering would wrap the error).
        var body = await response.Content.ReadAsStreamAsync(Token);
        var e = await Assert.ThrowsAsync<HttpIOException>(() => body.CopyToAsync(Stream.Null, Token));
        Assert.Equal(error, e.HttpRequestError);
    }

    [Theory]
    [InlineData("")]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Le")]
    public async Task OdooClosingBeforeAWholeHead_IsAResponseThatEnded(string answer)
    {
        _upstream.Answer = answer;
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => _client.SendAsync(new HttpRequestMessage(HttpMethod.Get, Url("/web")), Token));
        Assert.Equal(HttpRequestError.ResponseEnded, e.HttpRequestError);
    }

    [Fact]
    public async Task NothingListening_IsAConnectionError()
    {
        var port = _upstream.Port;
        await _upstream.DisposeAsync();
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => _client.SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{port}/web")), Token));
        Assert.Equal(HttpRequestError.ConnectionError, e.HttpRequestError);
    }

    [Fact]
    public async Task AFullListenQueue_FailsTheConnect_AfterTheConnectTimeout()
    {
        // Odoo with every worker busy and its listen queue full: the kernel drops further SYNs.
        using var full = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        full.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        full.Listen(1);
        var address = (IPEndPoint)full.LocalEndPoint!;
        var queued = new List<Socket>();
        try
        {
            for (var i = 0; i < 8; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                queued.Add(socket);
                using var attempt = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
                try
                {
                    await socket.ConnectAsync(address, attempt.Token);
                }
                catch (OperationCanceledException)
                {
                    break; // the queue is full
                }
            }

            using var client = new HttpMessageInvoker(new PreforkHttpHandler(
                new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromMilliseconds(500) }, new UpstreamConnector(TimeProvider.System), new KeepAliveDestinations(NullLogger<KeepAliveDestinations>.Instance)));
            var e = await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{address.Port}/web"), Token));
            Assert.Equal(HttpRequestError.ConnectionError, e.HttpRequestError);
            Assert.Contains("timed out after 0.5 s", e.Message, StringComparison.Ordinal); // ours, not the kernel's after its SYN retries
        }
        finally
        {
            foreach (var socket in queued) socket.Dispose();
        }
    }

    [Fact]
    public async Task AHeaderValueWithALineBreak_IsNeverSent()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Url("/web"));
        request.Headers.TryAddWithoutValidation("X-Evil", "a\r\nX-Injected: 1");
        var e = await Record.ExceptionAsync(() => _client.SendAsync(request, Token));
        Assert.True(e is HttpRequestException, $"expected a refusal, got {e?.ToString() ?? "an answer"}; Odoo saw: {string.Join(" | ", _upstream.Requests)}");
        Assert.Empty(_upstream.Requests);
    }

    [Fact]
    public async Task Cancelled_WhileOdooComputes_ThrowsAndClosesTheConnection()
    {
        _upstream.Answer = null; // never answers
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var sending = _client.SendAsync(new HttpRequestMessage(HttpMethod.Get, Url("/web")), cancel.Token);
        await Wait.UntilAsync(() => !_upstream.Requests.IsEmpty, "the request arrived");
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
        await Wait.UntilAsync(() => _upstream.ClosedByClient == 1, "the connection is closed");
    }

    [Fact]
    public async Task OneConnectionPerRequest_UntilAServerSaysItKeepsThemAlive_ThenPooled()
    {
        _upstream.Answer = "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok";
        for (var i = 0; i < 3; i++) await SendAsync(new HttpRequestMessage(HttpMethod.Get, Url("/web")));
        Assert.Equal(3, _upstream.Connections);

        // An HTTP/1.1 answer without Connection: close: this server would keep connections; the pooled client takes over.
        _upstream.Answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        _upstream.KeepAlive = true;
        for (var i = 0; i < 4; i++) await SendAsync(new HttpRequestMessage(HttpMethod.Get, Url("/web")));
        Assert.Equal(5, _upstream.Connections); // the 4th request's own connection told, then one pooled connection for the rest
        Assert.Equal(7, _upstream.Requests.Count);
    }

    [Fact]
    public async Task TraceContext_IsTheMessagesOwn_EvenWithAnActivityCurrent()
    {
        // The proxy's request transform (TraceContext) has written the trace fields; the handler adds none of its own.
        const string written = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        using var client = new HttpMessageInvoker(new PreforkHttpHandler(new SocketsHttpHandler(), new UpstreamConnector(TimeProvider.System),
            new KeepAliveDestinations(NullLogger<KeepAliveDestinations>.Instance)));
        using var span = new System.Diagnostics.Activity("other").Start();
        var request = new HttpRequestMessage(HttpMethod.Get, Url("/web"));
        request.Headers.TryAddWithoutValidation("traceparent", written);

        (await client.SendAsync(request, Token)).Dispose();

        var traceparents = Assert.Single(_upstream.Requests).Split("\r\n").Where(l => l.StartsWith("traceparent:", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Equal($"traceparent: {written}", Assert.Single(traceparents));
    }

    [Fact]
    public void HttpsUpgradesAndHttp2_GoToThePooledClient()
    {
        Assert.True(PreforkHttpHandler.Handles(new HttpRequestMessage(HttpMethod.Post, "http://odoo:8069/web")));
        Assert.False(PreforkHttpHandler.Handles(new HttpRequestMessage(HttpMethod.Get, "https://odoo/web")));
        Assert.False(PreforkHttpHandler.Handles(new HttpRequestMessage(HttpMethod.Get, "http://odoo:8069/web") { Version = HttpVersion.Version20 }));
        var upgrade = new HttpRequestMessage(HttpMethod.Get, "http://odoo:8069/websocket");
        upgrade.Headers.TryAddWithoutValidation("Upgrade", "websocket");
        Assert.False(PreforkHttpHandler.Handles(upgrade));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8069/web", "127.0.0.1:8069")]
    [InlineData("http://odoo/web", "odoo")]
    [InlineData("http://[::1]:8069/web", "[::1]:8069")]
    public void Authority_IsHostAndPort_WithoutTheDefaultPort_IPv6InBrackets(string url, string expected) =>
        Assert.Equal(expected, RequestHead.Authority(new Uri(url)));

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _upstream.DisposeAsync();
    }

    private sealed class UnknownLengthContent(params string[] parts) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            foreach (var part in parts)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(part));
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
