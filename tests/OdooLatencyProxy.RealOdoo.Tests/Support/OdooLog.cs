using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace OdooLatencyProxy.RealOdoo.Tests.Support;

/// <summary>One line of Odoo's log: <c>%(asctime)s %(pid)s %(levelname)s %(dbname)s %(name)s: %(message)s %(perf_info)s</c>.</summary>
public sealed record OdooLogLine(DateTime Time, int Pid, string Level, string Database, string Logger, string Message);

/// <summary>
/// A werkzeug access line's request and Odoo's own figures for it:
/// <c>127.0.0.1 - - [30/Nov/2026 00:09:45] "POST /web/dataset/call_button?t=1 HTTP/1.1" 200 - 3 0.001 0.005</c>
/// (query count, SQL time, remaining time; <c>- - -</c> when the request never reached Odoo's request handling).
/// </summary>
public sealed record OdooAccessLine(OdooLogLine Line, string Client, string Method, string Target, int Status, int? QueryCount, double? QuerySeconds, double? RemainingSeconds)
{
    /// <summary>The path without its query string.</summary>
    public string Path => Target.Split('?', 2)[0];

    /// <summary>Time Odoo spent in the request by its own count (SQL + the rest), from the request's start to the access line.</summary>
    public TimeSpan? OdooTime => QuerySeconds is { } sql && RemainingSeconds is { } rest ? TimeSpan.FromSeconds(sql + rest) : null;
}

/// <summary>Reads Odoo's log file (the <c>ODOO_LOG</c> of the real server) and parses its lines.</summary>
public static partial class OdooLog
{
    /// <summary>Parses one line, or null for a traceback line or anything else that does not start like a log record.</summary>
    public static OdooLogLine? ParseLine(string line)
    {
        var m = LineRegex().Match(line);
        if (!m.Success) return null;
        var time = DateTime.ParseExact(m.Groups["time"].Value, "yyyy-MM-dd HH:mm:ss,fff", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        return new OdooLogLine(time, int.Parse(m.Groups["pid"].Value, CultureInfo.InvariantCulture), m.Groups["level"].Value, m.Groups["db"].Value,
            m.Groups["logger"].Value, m.Groups["message"].Value);
    }

    /// <summary>Parses a werkzeug access line, or null for any other line.</summary>
    public static OdooAccessLine? ParseAccess(OdooLogLine line)
    {
        if (line.Logger != "werkzeug") return null;
        var m = AccessRegex().Match(line.Message);
        if (!m.Success) return null;
        return new OdooAccessLine(line, m.Groups["client"].Value, m.Groups["method"].Value, m.Groups["target"].Value,
            int.Parse(m.Groups["status"].Value, CultureInfo.InvariantCulture),
            Number(m.Groups["queries"].Value) is { } count ? (int)count : null, Number(m.Groups["sql"].Value), Number(m.Groups["rest"].Value));
    }

    /// <inheritdoc cref="ParseAccess(OdooLogLine)"/>
    public static OdooAccessLine? ParseAccess(string line) => ParseLine(line) is { } parsed ? ParseAccess(parsed) : null;

    /// <summary>Where the log ends now: read from here to see only what Odoo writes next.</summary>
    public static long End(string path) => new FileInfo(path).Length;

    /// <summary>The whole lines written since <paramref name="offset"/> (a partial last line is left for later).</summary>
    public static IReadOnlyList<OdooLogLine> ReadSince(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        stream.Seek(offset, SeekOrigin.Begin);
        var bytes = new byte[stream.Length - offset];
        stream.ReadExactly(bytes);
        var text = Encoding.UTF8.GetString(bytes);
        var whole = text[..(text.LastIndexOf('\n') + 1)];
        return [.. whole.Split('\n').Select(ParseLine).OfType<OdooLogLine>()];
    }

    private static double? Number(string text) => text == "-" ? null : double.Parse(text, CultureInfo.InvariantCulture);

    // The message is lazy so that the perf figures Odoo appends (" 3 0.001 0.005", or nothing and a trailing space
    // outside a request) stay in the access line's own pattern; other lines keep them at the end of their message.
    [GeneratedRegex(@"^(?<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) (?<pid>\d+) (?<level>[A-Z]+) (?<db>\S+) (?<logger>[^\s:]+): (?<message>.*?)\s*$")]
    private static partial Regex LineRegex();

    [GeneratedRegex("""^(?<client>\S+) - - \[[^\]]*\] "(?<method>[A-Z]+) (?<target>\S+) [^"]*" (?<status>\d{3}) \S+ (?<queries>\d+|-) (?<sql>[0-9.]+|-) (?<rest>[0-9.]+|-)$""")]
    private static partial Regex AccessRegex();
}
