using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace OdooSimulator.Http;

/// <summary>A response as a worker writes it: HTTP/1.0, Werkzeug's Server and Date first, <c>Connection: close</c> last.</summary>
internal sealed class SimResponse
{
    /// <summary>Werkzeug's server banner on Odoo 17 (Debian 12), as in every capture.</summary>
    public const string ServerBanner = "Werkzeug/2.2.2 Python/3.11.2";

    // Byte i of a streamed body is (i mod 251); the buffer length is a multiple of 251 so the pattern never breaks.
    private static readonly byte[] Pattern = CreatePattern();

    public SimResponse(int status, IEnumerable<KeyValuePair<string, string>> headers, ReadOnlyMemory<byte> body)
    {
        Status = status;
        Headers = [.. headers];
        Body = body;
    }

    public int Status { get; }

    /// <summary>Headers in wire order between Date and Connection (Content-Length included by the builder, as Werkzeug orders it).</summary>
    public List<KeyValuePair<string, string>> Headers { get; }

    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>When set, the body is this many pattern bytes streamed from a small buffer instead of <see cref="Body"/>.</summary>
    public long? PatternLength { get; init; }

    /// <summary>Python's send_error wording (mixed case) instead of Werkzeug's upper-case reason.</summary>
    public string? ReasonOverride { get; init; }

    /// <summary>Werkzeug 2.2 sends a second Date header on file responses (send_file); the captures show it.</summary>
    public bool DuplicateDate { get; init; }

    public static byte PatternByte(long offset) => (byte)(offset % 251);

    /// <summary>Writes the response; for HEAD only the head, with the Content-Length the body would have had.</summary>
    public void WriteTo(Socket socket, DateTimeOffset now, bool headOnly = false)
    {
        var sb = new StringBuilder(512);
        sb.Append("HTTP/1.0 ").Append(Status.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(ReasonOverride ?? ReasonPhrase(Status)).Append("\r\n");
        sb.Append("Server: ").Append(ServerBanner).Append("\r\n");
        var date = now.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);
        sb.Append("Date: ").Append(date).Append("\r\n");
        if (DuplicateDate)
        {
            sb.Append("Date: ").Append(date).Append("\r\n");
        }

        foreach (var (name, value) in Headers)
        {
            sb.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        sb.Append("Connection: close\r\n\r\n");
        var head = Encoding.Latin1.GetBytes(sb.ToString());
        if (headOnly)
        {
            SendAll(socket, head);
            return;
        }

        if (PatternLength is { } length)
        {
            SendAll(socket, head);
            long offset = 0;
            while (offset < length)
            {
                var take = (int)Math.Min(Pattern.Length, length - offset);
                SendAll(socket, Pattern.AsSpan(0, take));
                offset += take;
            }

            return;
        }

        if (Body.Length <= 64 * 1024)
        {
            // One send for the usual small response: fewer packets, like a WSGI app returning one chunk.
            var all = new byte[head.Length + Body.Length];
            head.CopyTo(all, 0);
            Body.Span.CopyTo(all.AsSpan(head.Length));
            SendAll(socket, all);
        }
        else
        {
            SendAll(socket, head);
            SendAll(socket, Body.Span);
        }
    }

    public static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        204 => "NO CONTENT",
        301 => "MOVED PERMANENTLY",
        302 => "FOUND",
        303 => "SEE OTHER",
        304 => "NOT MODIFIED",
        400 => "BAD REQUEST",
        401 => "UNAUTHORIZED",
        403 => "FORBIDDEN",
        404 => "NOT FOUND",
        405 => "METHOD NOT ALLOWED",
        413 => "REQUEST ENTITY TOO LARGE",
        422 => "UNPROCESSABLE ENTITY",
        431 => "REQUEST HEADER FIELDS TOO LARGE",
        500 => "INTERNAL SERVER ERROR",
        501 => "NOT IMPLEMENTED",
        _ => "UNKNOWN",
    };

    private static void SendAll(Socket socket, ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var sent = socket.Send(data);
            data = data[sent..];
        }
    }

    private static byte[] CreatePattern()
    {
        var pattern = new byte[251 * 256];
        for (var i = 0; i < pattern.Length; i++)
        {
            pattern[i] = PatternByte(i);
        }

        return pattern;
    }
}
