using System.Net.Http.Headers;
using System.Text;

namespace OdooLatencyProxy.Forwarding;

/// <summary>
/// Writes an HTTP/1.1 request head for <see cref="UpstreamExchange"/>: the start line, Host, the headers YARP prepared
/// (hop-by-hop ones left out) and the body's framing. No <c>Connection: close</c>: the connection is closed after the
/// answer anyway, and a server that would keep it says so in its answer (<see cref="PreforkHttpHandler"/> then pools).
/// </summary>
internal static class RequestHead
{
    public const long Chunked = -1;

    // Framing and connection management are this writer's; Expect is dropped because the body is sent at once (the
    // proxy has usually buffered it already) and an interim 100 Continue is skipped when Odoo sends one anyway.
    private static readonly HashSet<string> Skipped = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "TE", "Upgrade", "Expect", "Content-Length",
    };

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
        return body;
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
            if (Skipped.Contains(name)) continue;
            Text(output, name);
            output.Append(": "u8);
            var separator = string.Equals(name, "Cookie", StringComparison.OrdinalIgnoreCase) ? "; " : ", ";
            var first = true;
            foreach (var value in values)
            {
                if (!first) Text(output, separator);
                Text(output, value);
                first = false;
            }
            output.Append("\r\n"u8);
        }
    }

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
