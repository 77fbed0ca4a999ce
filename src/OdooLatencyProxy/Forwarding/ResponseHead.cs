using System.Buffers;
using System.Buffers.Text;
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

            if (Ascii.EqualsIgnoreCase(line[..colon], "Content-Length"u8))
            {
                result.AddContentLength(value);
                continue; // set once, below, from the checked value
            }
            var (name, text) = Field(line[..colon], value);
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

    private void AddContentLength(ReadOnlySpan<byte> text)
    {
        // "42" or a list of equal values ("42, 42"); anything else is a framing attack or a bug, never guessed at.
        long? length = null;
        foreach (var range in text.Split((byte)','))
        {
            var digits = text[range].Trim(" \t"u8);
            if (digits.Length is 0 or > 18 || digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0
                || !Utf8Parser.TryParse(digits, out long value, out _))
            {
                throw UpstreamExchange.Invalid("its Content-Length is not a number");
            }
            if (length is not null && length != value || ContentLength is not null && ContentLength != value)
            {
                throw UpstreamExchange.Invalid("it sent two different Content-Length values");
            }
            length = value;
        }
        ContentLength = length;
    }

    // The fields Odoo's answers carry again and again, by their usual spelling: the name is not allocated per answer,
    // and neither is a value equal to the last one seen under that name (a content type, the server, the second's
    // Date), except for the fields whose values are private to a user or a request (cookies, locations): those are
    // never kept beyond their answer.
    private static readonly (string Name, byte[] Bytes, bool KeepValue)[] CommonFields =
    [
        ("Content-Type", "Content-Type"u8.ToArray(), true), ("Date", "Date"u8.ToArray(), true),
        ("Server", "Server"u8.ToArray(), true), ("Connection", "Connection"u8.ToArray(), true),
        ("Cache-Control", "Cache-Control"u8.ToArray(), true), ("Vary", "Vary"u8.ToArray(), true),
        ("Content-Encoding", "Content-Encoding"u8.ToArray(), true), ("Transfer-Encoding", "Transfer-Encoding"u8.ToArray(), true),
        ("Keep-Alive", "Keep-Alive"u8.ToArray(), true), ("X-Content-Type-Options", "X-Content-Type-Options"u8.ToArray(), true),
        ("X-Frame-Options", "X-Frame-Options"u8.ToArray(), true), ("Expires", "Expires"u8.ToArray(), true),
        ("Last-Modified", "Last-Modified"u8.ToArray(), true), ("ETag", "ETag"u8.ToArray(), false),
        ("Set-Cookie", "Set-Cookie"u8.ToArray(), false), ("Location", "Location"u8.ToArray(), false),
        ("Content-Disposition", "Content-Disposition"u8.ToArray(), false),
    ];

    private static readonly string?[] s_lastValues = new string?[CommonFields.Length];

    private static (string Name, string Value) Field(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        for (var i = 0; i < CommonFields.Length; i++)
        {
            var common = CommonFields[i];
            if (!name.SequenceEqual(common.Bytes)) continue;
            if (!common.KeepValue) return (common.Name, Encoding.Latin1.GetString(value));
            var last = s_lastValues[i]; // a race only costs an allocation
            if (last is not null && Latin1Equals(last, value)) return (common.Name, last);
            var text = Encoding.Latin1.GetString(value);
            s_lastValues[i] = text;
            return (common.Name, text);
        }
        return (Encoding.ASCII.GetString(name), Encoding.Latin1.GetString(value));
    }

    private static bool Latin1Equals(string text, ReadOnlySpan<byte> bytes)
    {
        if (text.Length != bytes.Length) return false;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (text[i] != bytes[i]) return false;
        }
        return true;
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
