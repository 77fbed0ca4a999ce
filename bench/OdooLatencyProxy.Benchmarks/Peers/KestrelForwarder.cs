using System.Buffers;
using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Connections.Features;

namespace OdooLatencyProxy.Benchmarks.Peers;

/// <summary>
/// The <c>kestrel</c> floor of <see cref="FloorServer"/>: one request delegate forwarding on a socket of its own, kept
/// with the client connection while the upstream keeps it. Content-Length bodies only; anything else answers 502.
/// </summary>
internal static class KestrelForwarder
{
    private static readonly byte[] s_headEnd = "\r\n\r\n"u8.ToArray();

    public static async Task ForwardAsync(HttpContext context, Uri upstream)
    {
        var items = context.Features.Get<IConnectionItemsFeature>()!.Items;
        var socket = items.TryGetValue(typeof(KestrelForwarder), out var kept) ? (Socket)kept! : null;
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            var length = WriteHead(context.Request, buffer);
            var bodyLength = (int)(context.Request.ContentLength ?? 0);
            for (var read = 0; read < bodyLength;)
            {
                var n = await context.Request.Body.ReadAsync(buffer.AsMemory(length + read, bodyLength - read));
                if (n == 0) return;
                read += n;
            }
            length += bodyLength;
            if (socket is null)
            {
                socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(upstream.Host), upstream.Port));
            }
            var connection = socket;
            await connection.SendAsync(buffer.AsMemory(0, length));

            var (headLength, total, received) = (-1, -1, 0);
            while (received < total || total < 0)
            {
                var n = received < buffer.Length ? await connection.ReceiveAsync(buffer.AsMemory(received)) : 0;
                if (n == 0)
                {
                    connection.Dispose();
                    items.Remove(typeof(KestrelForwarder));
                    context.Response.StatusCode = StatusCodes.Status502BadGateway;
                    return;
                }
                received += n;
                if (headLength < 0 && buffer.AsSpan(0, received).IndexOf(s_headEnd) is var end and >= 0)
                {
                    headLength = end + 4;
                    total = headLength + ReadHead(buffer.AsSpan(0, headLength), context.Response, out var closes);
                    if (closes)
                    {
                        connection.Dispose();
                        socket = null;
                    }
                }
            }
            if (socket is null) items.Remove(typeof(KestrelForwarder));
            else items[typeof(KestrelForwarder)] = socket;
            await context.Response.Body.WriteAsync(buffer.AsMemory(headLength, total - headLength));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int WriteHead(HttpRequest request, byte[] buffer)
    {
        var head = new StringBuilder(512);
        head.Append(request.Method).Append(' ').Append(request.Path.ToUriComponent()).Append(request.QueryString.ToUriComponent()).Append(" HTTP/1.1\r\n");
        foreach (var (name, values) in request.Headers)
        {
            if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase)) continue;
            head.Append(name).Append(": ").Append(values.ToString()).Append("\r\n");
        }
        head.Append("\r\n");
        return Encoding.Latin1.GetBytes(head.ToString(), buffer);
    }

    /// <summary>Status and headers into the response; returns the body's length and whether the upstream closes.</summary>
    private static int ReadHead(ReadOnlySpan<byte> head, HttpResponse response, out bool closes)
    {
        closes = false;
        var bodyLength = 0;
        response.StatusCode = Utf8Parser.TryParse(head[9..12], out int status, out _) ? status : StatusCodes.Status502BadGateway;
        head = head[(head.IndexOf("\r\n"u8) + 2)..];
        while (head.IndexOf("\r\n"u8) is var end and > 0)
        {
            var line = head[..end];
            head = head[(end + 2)..];
            var colon = line.IndexOf((byte)':');
            var name = Encoding.ASCII.GetString(line[..colon]);
            var value = Encoding.Latin1.GetString(line[(colon + 1)..].Trim((byte)' '));
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                bodyLength = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                response.ContentLength = bodyLength;
            }
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                closes = value.Contains("close", StringComparison.OrdinalIgnoreCase);
            }
            else
            {
                response.Headers.Append(name, value);
            }
        }
        return bodyLength;
    }
}
