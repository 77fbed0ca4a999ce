using System.Text;
using OdooLatencyProxy.Hosting;
using OdooLatencyProxy.Testing.Http;
using OdooLatencyProxy.Tests.Infrastructure;

namespace OdooLatencyProxy.Tests.Forwarding;

/// <summary>
/// The proxy's own forwarder to Odoo's HTTP workers against YARP's forwarder, which it replaced: the same client bytes
/// through both (<c>ConnectionPerRequest</c> on: the own forwarder; off: YARP's forwarder with .NET's pooled client),
/// each in front of a scripted Odoo on 127.0.0.1 that records what it receives and answers as a prefork worker does.
/// What Odoo receives and what the client gets back must be the same, header for header and byte for byte.
/// </summary>
public sealed class WorkerForwarderTests
{
    private const string Ok = "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";

    public static TheoryData<string> Requests() => new(
        // Hop-by-hop and proxy-only fields dropped, repeated cookies joined, the client's X-Forwarded-For extended.
        "GET /web/dataset/search_read?model=res.partner&q=%20b%2F HTTP/1.1\r\nHost: erp.example.com\r\nConnection: keep-alive\r\n" +
            "Keep-Alive: 300\r\nTE: trailers\r\nUpgrade-Insecure-Requests: 1\r\nProxy-Authorization: Basic eA==\r\nCookie: session_id=abc\r\n" +
            "Cookie: frontend_lang=en_US\r\nX-Forwarded-For: 203.0.113.9\r\nX-Real-IP: 203.0.113.9\r\nAccept: */*\r\nUser-Agent: test\r\n\r\n",
        "POST /web/dataset/call_kw/sale.order/action_confirm HTTP/1.1\r\nHost: erp\r\nContent-Type: application/json\r\nContent-Length: 61\r\n\r\n" +
            """{"jsonrpc":"2.0","method":"call","params":{"args":[[7]]},"id":1}""".PadRight(61),
        // A chunked body is buffered and leaves with its length.
        "POST /jsonrpc HTTP/1.1\r\nHost: erp\r\nTransfer-Encoding: chunked\r\nContent-Type: text/xml\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
        // No body, but a content field: an empty body is announced, as before.
        "GET /web/image/res.partner/3/avatar_128 HTTP/1.1\r\nHost: erp\r\nContent-Type: text/plain\r\n\r\n",
        "PUT /api/x HTTP/1.1\r\nHost: erp\r\nContent-Length: 0\r\n\r\n",
        "DELETE /api/x HTTP/1.1\r\nHost: erp\r\n\r\n",
        // HTTP/1.0 without Host: Odoo is told the destination's.
        "GET /web/login HTTP/1.0\r\n\r\n",
        "GET /web/content/%E2%82%AC%20file.pdf?download=true&x=%26 HTTP/1.1\r\nHost: erp\r\nAccept-Encoding: gzip, br\r\n\r\n",
        // Targets written without a Uri (nothing to escape) and with one (dot segments, a quote, a bare %).
        "GET /web/assets/1/web.assets_frontend.min.js?debug=assets&unique=9f2,a:b HTTP/1.1\r\nHost: erp\r\n\r\n",
        "GET /web/./static/../login.?redirect=/odoo/action-12 HTTP/1.1\r\nHost: erp\r\n\r\n",
        "GET /.well-known/x?a=\"b\"&c=% HTTP/1.1\r\nHost: erp\r\n\r\n");

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task OdooReceives_WhatYarpsForwarderSent(string request)
    {
        var (own, _) = await ThroughAsync(ownForwarder: true, request, Ok);
        var (yarp, _) = await ThroughAsync(ownForwarder: false, request, Ok);
        Assert.NotEqual("", own);

        Assert.Equal(Lines(yarp).StartLine, Lines(own).StartLine);
        Assert.Equal(Lines(yarp).Fields, Lines(own).Fields);
        Assert.Equal(Lines(yarp).Body, Lines(own).Body);
        Assert.DoesNotContain(Lines(own).Fields, f => f.StartsWith("connection:", StringComparison.OrdinalIgnoreCase) || f.StartsWith("proxy-", StringComparison.OrdinalIgnoreCase));
    }

    public static TheoryData<string> Answers() => new(
        "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nSet-Cookie: a=1; Path=/\r\nSet-Cookie: b=2; HttpOnly\r\n" +
            "Server: Werkzeug/2.0.2 Python/3.10.12\r\nContent-Length: 2\r\n\r\n{}",
        // A reason of its own, hop-by-hop fields dropped.
        "HTTP/1.1 418 Short And Stout\r\nConnection: close\r\nKeep-Alive: timeout=5\r\nAlt-Svc: h3=\":443\"\r\nContent-Length: 3\r\n\r\nno!",
        // Chunked: decoded, trailers dropped, sent on with the client's own framing.
        "HTTP/1.1 200 OK\r\nConnection: close\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n2\r\nok\r\n3\r\n!!!\r\n0\r\nX-Trailer: 1\r\n\r\n",
        "HTTP/1.0 204 No Content\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.0 304 Not Modified\r\nETag: \"x\"\r\nContent-Length: 10\r\n\r\n",
        // No length: until Odoo closes.
        "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close",
        // Odoo failing: the same 502 and the same words.
        "",
        "garbage\r\n\r\n",
        "HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nshort",
        "HTTP/1.0 200 OK\r\nX-Bad: caf\u00e9\r\nContent-Length: 2\r\n\r\n{}");

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task TheClientGets_WhatYarpsForwarderGave(string answer)
    {
        const string request = "GET /web/webclient/version_info HTTP/1.1\r\nHost: erp\r\n\r\n";
        var (_, own) = await ThroughAsync(ownForwarder: true, request, answer);
        var (_, yarp) = await ThroughAsync(ownForwarder: false, request, answer);

        Assert.Equal((yarp.Version, yarp.Status, yarp.Reason), (own.Version, own.Status, own.Reason));
        Assert.Equal(Fields(yarp), Fields(own));
        Assert.Equal(yarp.BodyText, own.BodyText);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OdooGetsTheProxysSpan_ChildOfTheClients(bool ownForwarder)
    {
        const string client = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var (received, _) = await ThroughAsync(ownForwarder, $"GET /web HTTP/1.1\r\nHost: erp\r\ntraceparent: {client}\r\n\r\n", Ok, propagateTraceContext: true);

        var traceparent = Assert.Single(Lines(received).Fields, f => f.StartsWith("traceparent:", StringComparison.Ordinal));
        Assert.StartsWith("traceparent: 00-0af7651916cd43dd8448eb211c80319c-", traceparent, StringComparison.Ordinal);
        Assert.NotEqual($"traceparent: {client}", traceparent);
    }

    /// <summary>The request Odoo received (its own address written as ODOO) and the response the client got.</summary>
    private static async Task<(string Request, RawResponse Response)> ThroughAsync(bool ownForwarder, string request, string answer, bool propagateTraceContext = false)
    {
        await using var upstream = new ScriptedUpstream { Answer = answer };
        var options = TestProxy.Options(new Uri($"http://127.0.0.1:{upstream.Port}")) with { ConnectionPerRequest = ownForwarder, PropagateTraceContext = propagateTraceContext };
        await using var proxy = await ProxyHost.StartAsync(options);
        var response = await RawHttp.ExchangeAsync(proxy.PublicUri, Encoding.Latin1.GetBytes(request));
        // The health probe may have come first; .NET's client tries again on a connection that closed before an answer.
        var received = upstream.Requests.FirstOrDefault(r => !r.StartsWith("GET /web/health ", StringComparison.Ordinal)) ?? "";
        return (received.Replace($"127.0.0.1:{upstream.Port}", "ODOO", StringComparison.Ordinal), response);
    }

    private static (string StartLine, List<string> Fields, string Body) Lines(string request)
    {
        var headEnd = request.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var lines = request[..headEnd].Split("\r\n");
        return (lines[0], lines.Skip(1).Select(l => l.ToLowerInvariant()).Order(StringComparer.Ordinal).ToList(), request[(headEnd + 4)..]);
    }

    private static List<string> Fields(RawResponse response) =>
        response.Headers.Where(h => !h.Key.Equals("Date", StringComparison.OrdinalIgnoreCase))
            .Select(h => $"{h.Key.ToLowerInvariant()}: {h.Value}").Order(StringComparer.Ordinal).ToList();
}
