using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace OdooLatencyProxy.Odoo.Logs;

/// <summary>
/// A werkzeug access line of Odoo's log and what Odoo says the request cost:
/// <c>2026-11-30 06:14:43,724 19385 INFO ? werkzeug: 127.0.0.1 - - [30/Nov/2026 06:14:43] "GET /web/health HTTP/1.1" 200 - 1 0.016 1.914</c>.
/// </summary>
/// <remarks>
/// Werkzeug writes the line when the response's status line is sent (Odoo has finished the request, the body may still
/// be on its way), so the size is nearly always <c>-</c>. The last three figures are Odoo's <c>perf_info</c>: SQL query
/// count, SQL seconds, and the rest of the request's seconds; <c>- - -</c> when the request never reached Odoo's request
/// handling (static files, bad request lines). With <c>proxy_mode</c> the address is the last hop of X-Forwarded-For.
/// </remarks>
/// <param name="Time">When the line was written (UTC, milliseconds truncated).</param>
/// <param name="Database">The request's database, or <c>?</c>.</param>
/// <param name="Client">The address werkzeug logged.</param>
/// <param name="Method">The request method.</param>
/// <param name="Target">The logged target as werkzeug wrote it (IRI-decoded, control characters escaped; query string included).</param>
/// <param name="Status">The response status.</param>
/// <param name="Cost">Odoo's own figures with the worker's pid, or null when the line has none.</param>
public sealed partial record OdooAccessLine(DateTime Time, string Database, string Client, string Method, string Target, int Status, OdooRequestCost? Cost)
{
    /// <summary>The logger that writes access lines.</summary>
    public const string Logger = "werkzeug";

    /// <summary>Parses an access line, or returns null for any other record (and for a bad request line, which names no method and target).</summary>
    public static OdooAccessLine? Parse(OdooLogLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.Logger != Logger) return null;
        var match = Access().Match(line.Message);
        if (!match.Success) return null;
        // The request part is "METHOD target VERSION"; the target sits between the first and the last space and may
        // itself hold spaces and quotes (werkzeug logs the decoded path), so it is cut out, not matched.
        var request = match.Groups["request"].Value;
        var first = request.IndexOf(' ', StringComparison.Ordinal);
        var last = request.LastIndexOf(' ');
        if (first <= 0 || last <= first || !request.AsSpan(last + 1).StartsWith("HTTP/", StringComparison.Ordinal)) return null;
        var status = int.Parse(match.Groups["status"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
        return new OdooAccessLine(line.Time, line.Database, match.Groups["client"].Value, request[..first], request[(first + 1)..last], status,
            ReadCost(line.Pid, match));
    }

    /// <summary>Parses a whole log line when it is an access line.</summary>
    public static OdooAccessLine? Parse(string line) => OdooLogLine.Parse(line) is { } record ? Parse(record) : null;

    /// <summary>The target in the form both sides of a join agree on: see <see cref="CanonicalTarget(string)"/>.</summary>
    public string CanonicalTarget() => CanonicalTarget(Unescape(Target));

    /// <summary>
    /// A request target as sent (<paramref name="rawTarget"/>, percent-encoded) in the form its access line's target
    /// takes after <see cref="CanonicalTarget()"/>: every percent-encoded valid UTF-8 sequence decoded, invalid bytes kept
    /// encoded. Werkzeug decodes some sequences and keeps others (controls, space, <c>%</c>, reserved characters), and
    /// a proxy may re-encode the path: decoding everything on both sides makes the two comparable.
    /// </summary>
    public static string CanonicalTarget(string rawTarget)
    {
        ArgumentNullException.ThrowIfNull(rawTarget);
        return rawTarget.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(rawTarget) : rawTarget;
    }

    /// <summary>
    /// Writes an access line as Odoo 17 does (for the simulator and tests): <paramref name="target"/> is written as
    /// given, <paramref name="cost"/> null writes <c>- - -</c>.
    /// </summary>
    public static string Format(DateTime time, string database, string client, string method, string target, int status, int workerPid, OdooRequestCost? cost)
    {
        var perf = cost is null
            ? "- - -"
            : string.Create(CultureInfo.InvariantCulture, $"{cost.QueryCount} {cost.SqlTime.TotalSeconds:0.000} {cost.PythonTime.TotalSeconds:0.000}");
        return string.Create(CultureInfo.InvariantCulture,
            $"{time:yyyy-MM-dd HH:mm:ss},{time.Millisecond:000} {workerPid} INFO {database} {Logger}: {client} - - [{time:dd/MMM/yyyy HH:mm:ss}] \"{method} {target} HTTP/1.1\" {status} - {perf}");
    }

    private static OdooRequestCost? ReadCost(int pid, Match match)
    {
        var queries = match.Groups["queries"];
        if (!queries.Success || queries.Value == "-") return null;
        if (!int.TryParse(queries.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || !double.TryParse(match.Groups["sql"].ValueSpan, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var sql)
            || !double.TryParse(match.Groups["rest"].ValueSpan, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rest))
        {
            return null;
        }
        // The remaining time is "now - start - sql" in Odoo: clock steps can make it slightly negative.
        return new OdooRequestCost(pid, count, TimeSpan.FromSeconds(sql), TimeSpan.FromSeconds(Math.Max(0, rest)));
    }

    // Undoes werkzeug's escaping of the logged request: "\\" for a backslash, "\xNN" for a control character.
    private static string Unescape(string target)
    {
        if (!target.Contains('\\', StringComparison.Ordinal)) return target;
        var builder = new StringBuilder(target.Length);
        for (var i = 0; i < target.Length; i++)
        {
            var c = target[i];
            if (c == '\\' && i + 1 < target.Length && target[i + 1] == '\\')
            {
                builder.Append('\\');
                i++;
            }
            else if (c == '\\' && i + 3 < target.Length && target[i + 1] == 'x'
                && byte.TryParse(target.AsSpan(i + 2, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            {
                // The character itself is percent-encoded again: the raw target carried it encoded.
                builder.Append(Uri.EscapeDataString(((char)code).ToString()));
                i += 3;
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    // 'ADDRESS - - [DATE] "REQUEST" STATUS SIZE' and Odoo's perf_info (' Q SQL REST' or ' - - -'), which some setups lack.
    [GeneratedRegex("""^(?<client>\S+) - - \[[^\]]*\] "(?<request>.*)" (?<status>\d{3}) (?<size>\S+)(?: (?<queries>\d+|-) (?<sql>\d+(?:\.\d+)?|-) (?<rest>-?\d+(?:\.\d+)?|-))?$""",
        RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex Access();
}
