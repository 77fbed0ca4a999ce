using System.Globalization;
using OdooSimulator.Http;

namespace OdooSimulator.Prefork;

/// <summary>Reads one HTTP/1.x request: request line, headers, and the whole body (Content-Length or chunked).</summary>
internal static class RequestParser
{
    // Python's http.server limits, which Werkzeug's dev server (Odoo's workers) inherits.
    private const int MaxLineLength = 65536;
    private const int MaxHeaders = 100;

    // Bodies the simulator needs to read (RPC, forms, echo) are kept; others are only drained and counted,
    // so a 100 MiB upload costs no memory.
    private const int AlwaysKeepBelow = 64 * 1024;

    /// <summary>Returns null when the client closed the connection before sending anything.</summary>
    public static SimRequest? Read(ConnectionReader reader, long maxBodyBytes)
    {
        var requestLine = reader.ReadLine(MaxLineLength);
        if (requestLine is null)
        {
            return null;
        }

        var words = requestLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length != 3)
        {
            throw new BadRequestException($"Bad request syntax ('{Printable(requestLine)}')");
        }

        var (method, target, version) = (words[0], words[1], words[2]);
        if (!version.StartsWith("HTTP/1.", StringComparison.Ordinal) || version.Length != 8 || !char.IsAsciiDigit(version[7]))
        {
            throw new BadRequestException($"Bad request version ('{Printable(version)}')");
        }

        if (!IsToken(method))
        {
            throw new BadRequestException($"Bad request syntax ('{Printable(requestLine)}')");
        }

        var headers = new List<KeyValuePair<string, string>>();
        while (true)
        {
            var line = reader.ReadLine(MaxLineLength) ?? throw new ClientGoneException("Connection closed in the headers.");
            if (line.Length == 0)
            {
                break;
            }

            if (line[0] is ' ' or '\t' && headers.Count > 0)
            {
                // Obsolete line folding: continuation of the previous header.
                var (k, v) = headers[^1];
                headers[^1] = new(k, v + " " + line.Trim());
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !IsToken(line[..colon]))
            {
                throw new BadRequestException($"Bad header line ('{Printable(line)}')");
            }

            if (headers.Count >= MaxHeaders)
            {
                throw new BadRequestException(431, "Too many headers");
            }

            headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
        }

        var query = string.Empty;
        var path = target;
        var q = target.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            path = target[..q];
            query = target[(q + 1)..];
        }

        if (path.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || path.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            // Absolute-form target: keep only the path.
            var slash = path.IndexOf('/', path.IndexOf("//", StringComparison.Ordinal) + 2);
            path = slash < 0 ? "/" : path[slash..];
        }

        var request = new SimRequest
        {
            Method = method,
            Path = path,
            Query = query,
            Version = version,
            Headers = headers,
            Body = ReadOnlyMemory<byte>.Empty,
            BodyLength = 0,
        };

        var transferEncoding = request.Header("Transfer-Encoding");
        var contentLengthText = request.Header("Content-Length");
        var keep = KeepBody(request);
        if (transferEncoding is not null)
        {
            if (!transferEncoding.Trim().EndsWith("chunked", StringComparison.OrdinalIgnoreCase))
            {
                throw new BadRequestException(501, "Unsupported Transfer-Encoding");
            }

            using var sink = keep ? new MemoryStream() : null;
            var length = reader.CopyChunked(sink, maxBodyBytes);
            return Clone(request, sink, length);
        }

        if (contentLengthText is not null)
        {
            if (!long.TryParse(contentLengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var contentLength))
            {
                throw new BadRequestException("Invalid Content-Length");
            }

            if (contentLength > maxBodyBytes)
            {
                throw new BadRequestException(413, "Request Entity Too Large");
            }

            using var sink = keep || contentLength <= AlwaysKeepBelow ? new MemoryStream((int)Math.Min(contentLength, 16 * 1024 * 1024)) : null;
            reader.CopyExact(contentLength, sink);
            return Clone(request, sink, contentLength);
        }

        return request;
    }

    private static SimRequest Clone(SimRequest request, MemoryStream? sink, long length) => new()
    {
        Method = request.Method,
        Path = request.Path,
        Query = request.Query,
        Version = request.Version,
        Headers = request.Headers,
        Body = sink is null ? ReadOnlyMemory<byte>.Empty : sink.GetBuffer().AsMemory(0, (int)sink.Length),
        BodyLength = length,
    };

    private static bool KeepBody(SimRequest request)
    {
        if (request.Path.StartsWith("/__sim/", StringComparison.Ordinal))
        {
            return true;
        }

        var contentType = request.Header("Content-Type") ?? string.Empty;
        return contentType.Contains("json", StringComparison.OrdinalIgnoreCase)
            || contentType.Contains("xml", StringComparison.OrdinalIgnoreCase)
            || contentType.Contains("x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || request.Path.StartsWith("/xmlrpc", StringComparison.Ordinal)
            || request.Path.StartsWith("/json", StringComparison.Ordinal)
            || request.Path.StartsWith("/web/", StringComparison.Ordinal) && !request.Path.StartsWith("/web/binary/", StringComparison.Ordinal);
    }

    private static bool IsToken(string s)
    {
        foreach (var c in s)
        {
            if (c <= ' ' || c >= 0x7f || "()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return s.Length > 0;
    }

    private static string Printable(string s)
    {
        var cut = s.Length > 80 ? s[..80] : s;
        return string.Concat(cut.Select(c => c is < ' ' or > '~' ? '?' : c));
    }
}
