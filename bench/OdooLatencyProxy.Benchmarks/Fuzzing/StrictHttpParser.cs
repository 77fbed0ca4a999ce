using System.Globalization;
using System.Text;

namespace OdooLatencyProxy.Benchmarks.Fuzzing;

/// <summary>
/// A strict reader of HTTP/1.x request sequences after RFC 9112, the fuzzer's reference. Where the RFC lets a server
/// either reject something or read it one safe way (bare LF ending a start or field line, obs-fold, empty lines before a
/// request, identical repeated Content-Lengths, Content-Length beside Transfer-Encoding), it takes the safe reading:
/// a proxy refusing is always allowed, accepting what this parser calls invalid never is. Everything else outside the
/// grammar is invalid; only HTTP/1.0 and 1.1 are read. The lenient reading accepts, and names in
/// <see cref="ParseResult.Leniencies"/>, what the proxy is known to pass on in a normalised, unambiguous form; it reads
/// the request as the proxy forwards it, so the comparison with what Odoo received still holds byte for byte.
/// </summary>
internal sealed class StrictHttpParser
{
    private const string Tchar = "!#$%&'*+-.^_`|~";
    public const string SignedLength = "Content-Length with a sign, +5 or -0 (read as the number)";
    public const string MethodCase = "known method not in upper case (forwarded in upper case)";
    public const string TargetBytes = "bare %, bare CR or another byte outside VCHAR in the target (forwarded percent-encoded)";
    public const string FieldName = "field name that is not a token (dropped, as nginx's ignore_invalid_headers)";
    public const string LeadingCr = "bare CR before a request-line (skipped like the empty lines RFC 9112 allows there)";
    public const string FieldControl = "control character in a field value (passed on as is)";
    public const string ChunkExtension = "chunk extension outside the grammar (skipped up to its CRLF)";
    private static readonly string[] s_knownMethods = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH", "CONNECT"];
    private readonly byte[] _bytes;
    private readonly bool _lenient;
    private readonly SortedSet<string> _leniencies = new(StringComparer.Ordinal);
    private int _at;

    private StrictHttpParser(byte[] bytes, bool lenient) => (_bytes, _lenient) = (bytes, lenient);

    public static ParseResult Parse(byte[] bytes, bool lenient = false) => new StrictHttpParser(bytes, lenient).ReadAll();

    private ParseResult ReadAll()
    {
        var requests = new List<ParsedRequest>();
        while (_at < _bytes.Length)
        {
            var start = _at;
            try
            {
                var request = ReadRequest();
                requests.Add(request);
                if (request.Closes) return new ParseResult(requests, null, false, _bytes.Length - _at) { Leniencies = _leniencies };
            }
            catch (InvalidRequest e)
            {
                return new ParseResult(requests, e.Message, false, 0) { Leniencies = _leniencies };
            }
            catch (EndOfInput)
            {
                // Only empty lines left before the end: nothing was started.
                return new ParseResult(requests, null, !OnlyEmptyLines(start), 0) { Leniencies = _leniencies };
            }
        }
        return new ParseResult(requests, null, false, 0) { Leniencies = _leniencies };
    }

    private ParsedRequest ReadRequest()
    {
        // RFC 9112 §2.2: a server SHOULD ignore at least one empty line received before the request-line.
        while (_lenient && _at + 1 < _bytes.Length && _bytes[_at] == '\r' && _bytes[_at + 1] != '\n')
        {
            _at++;
            _leniencies.Add(LeadingCr);
        }
        var line = ReadLine(bareLf: true);
        while (line.Length == 0) line = ReadLine(bareLf: true);
        var parts = line.Split(' ');
        if (parts.Length != 3) throw new InvalidRequest("request-line is not three parts separated by single spaces");
        var (method, target, version) = (parts[0], parts[1], parts[2]);
        if (!IsToken(method)) throw new InvalidRequest("method is not a token");
        if (_lenient && s_knownMethods.FirstOrDefault(m => Is(m, method) && m != method) is { } upper) (method, _) = (upper, _leniencies.Add(MethodCase));
        if (target.Length == 0 || target[0] != '/') throw new InvalidRequest("request-target is not origin-form");
        target = Target(target);
        if (version is not ("HTTP/1.1" or "HTTP/1.0")) throw new InvalidRequest($"version {Printable(version)} is not HTTP/1.0 or HTTP/1.1");

        var headers = ReadFields(afterStartLine: true);
        var http10 = version == "HTTP/1.0";
        var hosts = headers.Count(h => Is(h.Name, "Host"));
        if (hosts > 1 || (!http10 && hosts == 0)) throw new InvalidRequest($"{hosts} Host fields");
        var codings = headers.Where(h => Is(h.Name, "Transfer-Encoding")).SelectMany(h => List(h.Value)).ToList();
        var lengths = headers.Where(h => Is(h.Name, "Content-Length")).SelectMany(h => List(h.Value)).ToList();
        var connection = headers.Where(h => Is(h.Name, "Connection")).SelectMany(h => List(h.Value)).ToList();
        var closes = connection.Any(t => Is(t, "close")) || (http10 && !connection.Any(t => Is(t, "keep-alive")));

        byte[] body;
        if (headers.Any(h => Is(h.Name, "Transfer-Encoding")))
        {
            // §6.1: HTTP/1.0 with Transfer-Encoding is faulty framing; chunked must be the only and final coding here
            // (a coding the proxy does not decode leaves the length unknown). Beside a Content-Length it wins, and the
            // server must close the connection after answering (§6.3).
            if (http10) throw new InvalidRequest("Transfer-Encoding in HTTP/1.0");
            if (codings.Count != 1 || !Is(codings[0], "chunked")) throw new InvalidRequest($"Transfer-Encoding {Printable(string.Join(",", codings))} is not exactly chunked");
            body = ReadChunked();
            closes |= lengths.Count > 0;
        }
        else if (headers.Any(h => Is(h.Name, "Content-Length")))
        {
            if (lengths.Count == 0) throw new InvalidRequest("empty Content-Length");
            if (lengths.Distinct().Count() != 1) throw new InvalidRequest("different Content-Length values");
            body = ReadBytes(Length(lengths[0]));
        }
        else
        {
            body = [];
        }
        return new ParsedRequest(method, target, version, headers, body, closes);
    }

    // origin-form = absolute-path [ "?" query ] (RFC 3986): pchar, "/" and "?"; a "%" starts two hex digits.
    private string Target(string target)
    {
        var forwarded = new StringBuilder();
        for (var i = 0; i < target.Length; i++)
        {
            var c = target[i];
            var badPercent = c == '%' && (i + 2 >= target.Length || !Uri.IsHexDigit(target[i + 1]) || !Uri.IsHexDigit(target[i + 2]));
            var outside = c is < '!' or > '~' || "\"<>\\^`{|}#[]".Contains(c, StringComparison.Ordinal);
            if (!badPercent && !outside)
            {
                forwarded.Append(c);
                continue;
            }
            if (!_lenient || c is ' ' or '\n' or '\0') throw new InvalidRequest($"request-target has {Printable(c.ToString())}, outside its grammar");
            _leniencies.Add(TargetBytes);
            forwarded.Append(CultureInfo.InvariantCulture, $"%{(int)c:X2}");
        }
        return forwarded.ToString();
    }

    // Field lines up to the empty line. §2.2: whitespace-preceded lines right after the start-line are consumed unread;
    // §5.2: obs-fold is replaced by a space. A bare CR in a value becomes a space (§2.2).
    private List<(string Name, string Value)> ReadFields(bool afterStartLine)
    {
        var fields = new List<(string Name, string Value)>();
        var skipping = afterStartLine;
        while (true)
        {
            var line = ReadLine(bareLf: true);
            if (line.Length == 0) return fields;
            if (line[0] is ' ' or '\t')
            {
                if (skipping) continue;
                if (fields.Count == 0) throw new InvalidRequest("obs-fold without a field");
                var (name, value) = fields[^1];
                fields[^1] = (name, Value(value + " " + line.Trim(' ', '\t')));
                continue;
            }
            skipping = false;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) throw new InvalidRequest("field line without a name and colon");
            var fieldName = line[..colon];
            if (!IsToken(fieldName) && _lenient && fieldName.Trim(' ', '\t').Length == fieldName.Length)
            {
                _leniencies.Add(FieldName);
                continue;
            }
            if (!IsToken(fieldName)) throw new InvalidRequest($"field name {Printable(fieldName)} is not a token");
            fields.Add((fieldName, Value(line[(colon + 1)..].Trim(' ', '\t'))));
        }
    }

    private string Value(string value)
    {
        value = value.Replace('\r', ' ');
        if (!value.Any(c => c is < ' ' and not '\t' or '\x7f')) return value;
        if (!_lenient || value.Contains('\0', StringComparison.Ordinal)) throw new InvalidRequest("control character in a field value");
        _leniencies.Add(FieldControl);
        return value;
    }

    private byte[] ReadChunked()
    {
        using var body = new MemoryStream();
        while (true)
        {
            var line = ReadLine(bareLf: false);
            var end = 0;
            while (end < line.Length && Uri.IsHexDigit(line[end])) end++;
            if (end == 0) throw new InvalidRequest($"chunk-size {Printable(line)} is not hex");
            var digits = line[..end].TrimStart('0');
            if (digits.Length > 7) throw new InvalidRequest("chunk-size over 256 MiB");
            var size = digits.Length == 0 ? 0 : int.Parse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            try
            {
                CheckExtensions(line[end..]);
            }
            catch (InvalidRequest) when (_lenient && line[end..].TrimStart(' ', '\t').StartsWith(';'))
            {
                _leniencies.Add(ChunkExtension);
            }
            if (size == 0) break;
            body.Write(ReadBytes(size));
            if (ReadLine(bareLf: false).Length != 0) throw new InvalidRequest("chunk-data not followed by CRLF");
        }
        ReadFields(afterStartLine: false); // The trailer section: read and dropped, as the proxy may.
        return body.ToArray();
    }

    // chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ), a value a token or quoted-string.
    private static void CheckExtensions(string rest)
    {
        var i = 0;
        void Blanks()
        {
            while (i < rest.Length && rest[i] is ' ' or '\t') i++;
        }
        string Token()
        {
            var from = i;
            while (i < rest.Length && IsTchar(rest[i])) i++;
            return rest[from..i];
        }
        while (true)
        {
            Blanks();
            if (i == rest.Length) return;
            if (rest[i] != ';') throw new InvalidRequest($"chunk extension {Printable(rest)}");
            i++;
            Blanks();
            if (Token().Length == 0) throw new InvalidRequest($"chunk extension without a name {Printable(rest)}");
            Blanks();
            if (i == rest.Length || rest[i] != '=') continue;
            i++;
            Blanks();
            if (i < rest.Length && rest[i] == '"')
            {
                for (i++; i < rest.Length && rest[i] != '"'; i++)
                {
                    if (rest[i] == '\\') i++;
                    else if (rest[i] is < ' ' and not '\t' or '\x7f') throw new InvalidRequest("control character in a chunk extension");
                }
                if (i >= rest.Length) throw new InvalidRequest("unterminated quoted chunk extension");
                i++;
            }
            else if (Token().Length == 0)
            {
                throw new InvalidRequest($"chunk extension value {Printable(rest)}");
            }
        }
    }

    private long Length(string value)
    {
        if (_lenient && (value.StartsWith('+') || (value.StartsWith('-') && value[1..].Trim('0').Length == 0 && value.Length > 1)))
        {
            (value, _) = (value[1..], _leniencies.Add(SignedLength));
        }
        if (value.Length == 0 || !value.All(char.IsAsciiDigit)) throw new InvalidRequest($"Content-Length {Printable(value)} is not digits");
        if (value.TrimStart('0').Length > 9) throw new InvalidRequest("Content-Length over 1 GB");
        return long.Parse(value, CultureInfo.InvariantCulture);
    }

    // A line without its terminator. CRLF ends it; a bare LF too where §2.2 allows (start and field lines).
    private string ReadLine(bool bareLf)
    {
        var lf = Array.IndexOf(_bytes, (byte)'\n', _at);
        if (lf < 0) throw new EndOfInput();
        var end = lf > _at && _bytes[lf - 1] == '\r' ? lf - 1 : lf;
        if (end == lf && !bareLf) throw new InvalidRequest("bare LF ending a chunk line");
        var line = Encoding.Latin1.GetString(_bytes, _at, end - _at);
        _at = lf + 1;
        if (line.Contains('\r', StringComparison.Ordinal) && !bareLf) throw new InvalidRequest("bare CR in a chunk line");
        return line;
    }

    private byte[] ReadBytes(long count)
    {
        if (_bytes.Length - _at < count) throw new EndOfInput();
        var bytes = _bytes.AsSpan(_at, (int)count).ToArray();
        _at += (int)count;
        return bytes;
    }

    private bool OnlyEmptyLines(int from)
    {
        var rest = Encoding.Latin1.GetString(_bytes, from, _bytes.Length - from);
        return rest.Replace("\r\n", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Length == 0;
    }

    // #rule lists (§5.6.1): comma-separated, optional whitespace, empty elements ignored.
    private static IEnumerable<string> List(string value) =>
        value.Split(',').Select(v => v.Trim(' ', '\t')).Where(v => v.Length > 0);

    private static bool Is(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static bool IsToken(string s) => s.Length > 0 && s.All(IsTchar);

    private static bool IsTchar(char c) => char.IsAsciiLetterOrDigit(c) || Tchar.Contains(c, StringComparison.Ordinal);

    /// <summary>The first characters of s, with bytes outside printable ASCII as \\xNN and line ends kept as lines if asked.</summary>
    internal static string Printable(string s, int max = 60, bool lines = false) => string.Concat(s.Take(max).Select(c => c switch
    {
        '\n' => lines ? "\\n\n    " : "\\n",
        '\r' => "\\r",
        < ' ' or > '~' => $"\\x{(int)c:x2}",
        _ => c.ToString(),
    }));

    private sealed class InvalidRequest(string reason) : Exception(reason);

    private sealed class EndOfInput : Exception;
}
