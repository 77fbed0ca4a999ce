using System.Globalization;
using System.Text;

namespace OdooLatencyProxy.Benchmarks.Fuzzing;

/// <summary>The final status codes in what the proxy sent a client, in order (1xx interim answers skipped); a response cut short ends the list.</summary>
internal static class ProxyResponses
{
    public static List<int> Statuses(byte[] bytes)
    {
        var statuses = new List<int>();
        var at = 0;
        while (at < bytes.Length)
        {
            var headEnd = IndexOf(bytes, "\r\n\r\n"u8, at);
            if (headEnd < 0) break;
            var head = Encoding.Latin1.GetString(bytes, at, headEnd - at).Split("\r\n");
            var parts = head[0].Split(' ');
            if (parts.Length < 2 || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var status)) break;
            at = headEnd + 4;
            if (status is >= 100 and < 200) continue;
            var length = head.Skip(1).Select(l => l.Split(':', 2)).Where(f => f.Length == 2 && f[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                .Select(f => (long?)long.Parse(f[1].Trim(), CultureInfo.InvariantCulture)).FirstOrDefault();
            var chunked = head.Any(l => l.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase) && l.Contains("chunked", StringComparison.OrdinalIgnoreCase));
            if (chunked)
            {
                // The proxy's own answers: a strict reading of chunks is not the point here, the count is.
                // From the head's own CRLF: an empty body's last chunk follows it directly.
                var end = IndexOf(bytes, "\r\n0\r\n\r\n"u8, at - 2);
                if (end < 0) break;
                at = end + 7;
            }
            else if (length is { } n)
            {
                if (bytes.Length - at < n) break;
                at += (int)n;
            }
            else
            {
                at = bytes.Length; // Up to the close.
            }
            statuses.Add(status);
        }
        return statuses;
    }

    private static int IndexOf(byte[] bytes, ReadOnlySpan<byte> value, int from)
    {
        var i = bytes.AsSpan(from).IndexOf(value);
        return i < 0 ? -1 : from + i;
    }
}
