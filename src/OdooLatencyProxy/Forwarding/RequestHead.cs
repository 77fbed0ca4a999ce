using System.Collections.Frozen;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace OdooLatencyProxy.Forwarding;

/// <summary>
/// Writes an HTTP/1.1 request head for <see cref="UpstreamExchange"/>: the start line, Host, the client's headers
/// (hop-by-hop ones left out, as YARP leaves them out) with the proxy's own, and the body's framing. From the client's
/// request itself (<see cref="RequestPath.WorkerForwarder"/>) or from a message YARP prepared (<see cref="PreforkHttpHandler"/>:
/// health probes, and <c>ConnectionPerRequest</c>'s fallback). No <c>Connection: close</c>: the connection is closed
/// after the answer anyway, and a server that would keep it says so in its answer (the destination is then pooled).
/// </summary>
internal static class RequestHead
{
    public const long Chunked = -1;

    /// <summary>
    /// Hop-by-hop and proxy-only fields YARP's forwarder never passes on, either way (its RequestUtilities): the
    /// connection's own, not the message's. The request writer and <see cref="RequestPath.WorkerForwarder"/>'s response
    /// copy leave them out.
    /// </summary>
    public static readonly FrozenSet<string> HopByHop = new[]
    {
        "Connection", "Transfer-Encoding", "Keep-Alive", "Upgrade", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authentication-Info",
        "Proxy-Authorization", "Proxy-Features", "Proxy-Instruction", "Security-Scheme", "ALPN", "Close", "HTTP2-Settings",
        "Upgrade-Insecure-Requests", "TE", "Alt-Svc",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    // Host and the framing are this writer's; Expect is dropped because the body is sent at once (the proxy has usually
    // buffered it already) and an interim 100 Continue is skipped when Odoo sends one anyway.
    private static readonly FrozenSet<string> Written = new[] { "Host", "Expect", "Content-Length" }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    // Headers .NET keeps on a message's content: any of them on a request without a body gave it an empty one, which
    // said Content-Length: 0. Kept, so Odoo sees the same head as through YARP's forwarder.
    private static readonly FrozenSet<string> ContentHeaders = new[]
    {
        "Allow", "Content-Disposition", "Content-Encoding", "Content-Language", "Content-Length", "Content-Location",
        "Content-MD5", "Content-Range", "Content-Type", "Expires", "Last-Modified",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Writes the head of the client's request as YARP's forwarder sent it, to <paramref name="target"/> (the request
    /// target for the destination): the client's Host (or <paramref name="hostHeader"/>), its headers but the hop-by-hop
    /// ones, X-Forwarded-* (<paramref name="forwarded"/>), and, with <paramref name="propagateTrace"/>, the proxy's trace
    /// context (<see cref="TraceContext"/>) in place of the client's. Returns the body's length, <see cref="Chunked"/>, or
    /// null when the request has no body.
    /// </summary>
    public static long? Write(HttpContext context, string target, string hostHeader, ForwardedHeaders forwarded, bool propagateTrace, UpstreamExchange output)
    {
        var request = context.Request;
        Text(output, request.Method);
        output.Append(" "u8);
        Text(output, target);
        output.Append(" HTTP/1.1\r\nHost: "u8);
        var host = request.Headers.Host;
        Text(output, StringValues.IsNullOrEmpty(host) ? hostHeader : host.ToString());
        output.Append("\r\n"u8);

        var contentHeader = false;
        foreach (var (name, values) in request.Headers)
        {
            if (Written.Contains(name) || HopByHop.Contains(name) || name.StartsWith(':') || ForwardedHeaders.IsOneOf(name)) continue;
            if (propagateTrace && TraceContext.IsTraceField(name)) continue;
            contentHeader |= ContentHeaders.Contains(name);
            Header(output, name, values);
        }
        var (forwardedFor, realIp, proto, forwardedHost) = forwarded.For(context);
        Header(output, "X-Forwarded-For", forwardedFor);
        Header(output, "X-Real-IP", realIp);
        Header(output, "X-Forwarded-Proto", proto);
        Header(output, "X-Forwarded-Host", forwardedHost);
        if (propagateTrace)
        {
            var (parent, state) = TraceContext.ChildOf(request.Headers[TraceContext.ParentField], request.Headers[TraceContext.StateField]);
            Header(output, TraceContext.ParentField, parent);
            if (state is not null) Header(output, TraceContext.StateField, state);
        }

        long? body = null;
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength > 0)
        {
            body = request.ContentLength ?? Chunked;
        }
        else if (contentHeader || HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method))
        {
            body = 0;
        }
        Framing(output, body);
        return body;
    }

    /// <summary>Writes the head; returns the body's length, <see cref="Chunked"/>, or null when the request has no body.</summary>
    public static long? Write(HttpRequestMessage request, UpstreamExchange output)
    {
        var uri = request.RequestUri!;
        Text(output, request.Method.Method);
        output.Append(" "u8);
        Text(output, uri.PathAndQuery);
        output.Append(" HTTP/1.1\r\nHost: "u8);
        Text(output, request.Headers.Host ?? Authority(uri));
        output.Append("\r\n"u8);
        Headers(output, request.Headers.NonValidated);

        long? body = null;
        if (request.Content is { } content)
        {
            Headers(output, content.Headers.NonValidated);
            body = content.Headers.ContentLength ?? Chunked;
        }
        else if (request.Method == HttpMethod.Post || request.Method == HttpMethod.Put || request.Method == HttpMethod.Patch)
        {
            body = 0; // as SocketsHttpHandler: these methods say so when their body is empty
        }

        Framing(output, body);
        return body;
    }

    private static void Framing(UpstreamExchange output, long? body)
    {
        if (body >= 0)
        {
            output.Append("Content-Length: "u8);
            Text(output, body.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            output.Append("\r\n"u8);
        }
        else if (body == Chunked)
        {
            output.Append("Transfer-Encoding: chunked\r\n"u8);
        }
        output.Append("\r\n"u8);
    }

    /// <summary>Host[:port] of the destination, the port left out when it is the scheme's default, IPv6 in brackets.</summary>
    internal static string Authority(Uri uri)
    {
        var host = uri.HostNameType == UriHostNameType.IPv6 ? $"[{uri.IdnHost}]" : uri.IdnHost;
        return uri.IsDefaultPort ? host : $"{host}:{uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    private static void Headers(UpstreamExchange output, HttpHeadersNonValidated headers)
    {
        foreach (var (name, values) in headers)
        {
            if (Written.Contains(name) || HopByHop.Contains(name)) continue;
            Header(output, name, values);
        }
    }

    /// <summary>One field line; several values are joined as HttpClient joins them (a Cookie's with "; ").</summary>
    private static void Header<TValues>(UpstreamExchange output, string name, TValues values)
        where TValues : IEnumerable<string?>
    {
        Text(output, name);
        output.Append(": "u8);
        var separator = string.Equals(name, "Cookie", StringComparison.OrdinalIgnoreCase) ? "; " : ", ";
        var first = true;
        foreach (var value in values)
        {
            if (!first) Text(output, separator);
            Text(output, value ?? string.Empty);
            first = false;
        }
        output.Append("\r\n"u8);
    }

    private static void Header(UpstreamExchange output, string name, string value) => Header(output, name, new StringValues(value));

    /// <summary>Latin-1; a CR, LF or NUL would split the head, and a character beyond Latin-1 cannot be sent: both refused.</summary>
    private static void Text(UpstreamExchange output, string text)
    {
        if (text.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0 || text.AsSpan().IndexOfAnyInRange((char)0x100, char.MaxValue) >= 0)
        {
            throw new HttpRequestException(HttpRequestError.Unknown, "A request header holds a line break, a NUL or a character beyond Latin-1.");
        }
        var span = output.GetSpan(text.Length);
        output.Advance(Encoding.Latin1.GetBytes(text, span));
    }
}
