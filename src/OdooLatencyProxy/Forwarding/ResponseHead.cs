using System.Buffers;
using System.Text;

namespace OdooLatencyProxy.Forwarding;

/// <summary>
/// A response head as Odoo sent it: status line and header fields, parsed strictly (RFC 9112): CRLF line ends, no
/// folded lines, token names, one Content-Length value (repeats must agree); Transfer-Encoding ending in chunked wins
/// over Content-Length, which is then dropped so the client never sees a length the body does not have.
/// </summary>
internal sealed class ResponseHead
{
    private static readonly SearchValues<byte> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    private readonly List<(string Name, string Value)> _fields = [];

    public int Status { get; private init; }
    public Version Version { get; private init; } = System.Net.HttpVersion.Version11;
    public string? Reason { get; private init; }
    public long? ContentLength { get; private set; }
    public bool Chunked { get; private set; }

    /// <summary>The header fields as Odoo sent them, in order; Content-Length left out (see <see cref="ContentLength"/>).</summary>
    public IReadOnlyList<(string Name, string Value)> Fields => _fields;

    /// <summary>The values of the fields named <paramref name="name"/>, joined with commas; empty without one.</summary>
    public string Field(string name)
    {
        string? joined = null;
        foreach (var (field, value) in _fields)
        {
            if (field.Equals(name, StringComparison.OrdinalIgnoreCase)) joined = joined is null ? value : joined + "," + value;
        }
        return joined ?? string.Empty;
    }

    /// <summary>HTTP/1.1 without <c>Connection: close</c>: the server would have kept the connection for another request.</summary>
    public bool KeepsAlive => Version == System.Net.HttpVersion.Version11 && !_closes;

    private bool _closes;

    /// <summary>Parses <paramref name="head"/>, which ends with the empty line.</summary>
    public static ResponseHead Parse(ReadOnlySpan<byte> head)
    {
        var lineEnd = head.IndexOf("\r\n"u8);
        var statusLine = head[..lineEnd];
        // HTTP/1.x SP 3DIGIT [SP reason]
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || statusLine[7] is not ((byte)'0' or (byte)'1')
            || statusLine[8] != ' ' || !char.IsAsciiDigit((char)statusLine[9]) || !char.IsAsciiDigit((char)statusLine[10]) || !char.IsAsciiDigit((char)statusLine[11])
            || (statusLine.Length > 12 && statusLine[12] != ' '))
        {
            throw UpstreamExchange.Invalid("its status line is malformed");
        }

        var result = new ResponseHead
        {
            Status = (statusLine[9] - '0') * 100 + (statusLine[10] - '0') * 10 + (statusLine[11] - '0'),
            Version = statusLine[7] == '0' ? System.Net.HttpVersion.Version10 : System.Net.HttpVersion.Version11,
            Reason = statusLine.Length > 13 ? Encoding.Latin1.GetString(statusLine[13..]) : null,
        };
        if (result.Status < 100) throw UpstreamExchange.Invalid("its status code is below 100");

        var rest = head[(lineEnd + 2)..];
        string? transferEncoding = null;
        while (true)
        {
            lineEnd = rest.IndexOf("\r\n"u8);
            var line = rest[..lineEnd];
            rest = rest[(lineEnd + 2)..];
            if (line.IsEmpty) break;
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || line[..colon].IndexOfAnyExcept(TokenChars) >= 0)
            {
                throw UpstreamExchange.Invalid(line[0] is (byte)' ' or (byte)'\t' ? "a header field is folded" : "a header field name is malformed");
            }
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (value.IndexOfAny((byte)'\r', (byte)'\n', (byte)0) >= 0) throw UpstreamExchange.Invalid("a header field value holds a control character");

            var name = Encoding.ASCII.GetString(line[..colon]);
            var text = Encoding.Latin1.GetString(value);
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                result.AddContentLength(text);
                continue; // set once, below, from the checked value
            }
            if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase) && text.Contains("close", StringComparison.OrdinalIgnoreCase))
            {
                result._closes = true;
            }
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                transferEncoding = transferEncoding is null ? text : transferEncoding + ", " + text;
            }
            result._fields.Add((name, text));
        }

        if (transferEncoding is not null)
        {
            // The final coding decides: chunked, or anything else reads until the connection closes (RFC 9112 6.3).
            var last = transferEncoding[(transferEncoding.LastIndexOf(',') + 1)..].Trim();
            result.Chunked = last.Equals("chunked", StringComparison.OrdinalIgnoreCase);
            result.ContentLength = null;
        }
        return result;
    }

    private void AddContentLength(string text)
    {
        // "42" or a list of equal values ("42, 42"); anything else is a framing attack or a bug, never guessed at.
        long? length = null;
        foreach (var part in text.Split(','))
        {
            var digits = part.Trim();
            if (digits.Length is 0 or > 18 || digits.AsSpan().IndexOfAnyExceptInRange('0', '9') >= 0)
            {
                throw UpstreamExchange.Invalid("its Content-Length is not a number");
            }
            var value = long.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
            if (length is not null && length != value || ContentLength is not null && ContentLength != value)
            {
                throw UpstreamExchange.Invalid("it sent two different Content-Length values");
            }
            length = value;
        }
        ContentLength = length;
    }

    /// <summary>The fields into the response's headers, or its content's for content fields (Content-Type, ...).</summary>
    public void CopyTo(HttpResponseMessage response, HttpContent content)
    {
        foreach (var (name, value) in _fields)
        {
            if (!response.Headers.TryAddWithoutValidation(name, value)) content.Headers.TryAddWithoutValidation(name, value);
        }
        if (ContentLength is { } length) content.Headers.ContentLength = length;
    }
}
