using System.Globalization;
using System.Text.RegularExpressions;

namespace OdooLatencyProxy.Odoo.Logs;

/// <summary>
/// One record of Odoo's log, as its formatter writes it:
/// <c>%(asctime)s %(pid)s %(levelname)s %(dbname)s %(name)s: %(message)s %(perf_info)s</c>.
/// </summary>
/// <param name="Time">When Odoo wrote it (UTC: Odoo forces <c>TZ=UTC</c>; millisecond precision).</param>
/// <param name="Pid">The process that wrote it (a prefork worker, the cron worker, the gevent worker...).</param>
/// <param name="Level">Python's level name (<c>INFO</c>, <c>ERROR</c>...).</param>
/// <param name="Database">The database of the request or cron, or <c>?</c> when there is none.</param>
/// <param name="Logger">The Python logger (<c>werkzeug</c>, <c>odoo.addons.base.models.ir_cron</c>...).</param>
/// <param name="Message">The message with the trailing space (and carriage return) removed; perf figures stay in it.</param>
public sealed partial record OdooLogLine(DateTime Time, int Pid, string Level, string Database, string Logger, string Message)
{
    /// <summary>Parses one line, or returns null for a traceback line or anything else that does not start like a record.</summary>
    public static OdooLogLine? Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var match = Record().Match(line);
        if (!match.Success) return null;
        if (!DateTime.TryParseExact(match.Groups["time"].ValueSpan, "yyyy-MM-dd HH:mm:ss,fff", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            || !int.TryParse(match.Groups["pid"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }
        // Odoo's formatter ends every message with a space (the empty perf_info outside requests), Windows-edited files with \r.
        return new OdooLogLine(time, pid, match.Groups["level"].Value, match.Groups["db"].Value, match.Groups["logger"].Value,
            match.Groups["message"].Value.TrimEnd());
    }

    // "2026-11-26 20:37:49,633 27801 ERROR mydb odoo.addons.base.models.ir_cron: message"
    [GeneratedRegex(@"^(?<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) (?<pid>\d{1,9}) (?<level>[A-Z]+) (?<db>\S+) (?<logger>[^\s:]+): (?<message>.*)$",
        RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex Record();
}
