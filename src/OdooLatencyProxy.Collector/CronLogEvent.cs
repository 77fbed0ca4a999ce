using System.Text.RegularExpressions;
using OdooLatencyProxy.Odoo.Logs;

namespace OdooLatencyProxy.Collector;

/// <summary>A cron event read from Odoo's log.</summary>
internal sealed partial record CronLogEvent(string Cron, bool Succeeded, DateTime Time)
{
    private const string CronLogger = "odoo.addons.base.models.ir_cron";

    /// <summary>The cron success or failure <paramref name="line"/> reports for <paramref name="database"/> (any database when null), or null.</summary>
    public static CronLogEvent? From(OdooLogLine line, string? database)
    {
        if (line.Logger != CronLogger || (database is not null && line.Database != database)) return null;
        // Odoo forces TZ=UTC, so log times are UTC (kept unspecified, as the cron tracker's other times).
        var time = DateTime.SpecifyKind(line.Time, DateTimeKind.Unspecified);
        if (CronFailed().Match(line.Message) is { Success: true } failed) return new CronLogEvent(failed.Groups["name"].Value, Succeeded: false, time);
        if (CronDone().Match(line.Message) is { Success: true } done) return new CronLogEvent(done.Groups["name"].Value, Succeeded: true, time);
        return null;
    }

    [GeneratedRegex(@"^Call from cron (?<name>.+) for server action #\d+ failed in Job #\d+", RegexOptions.CultureInvariant)]
    private static partial Regex CronFailed();

    [GeneratedRegex(@"^Job done: `(?<name>.+)` \([\d.]+s\)\.?$", RegexOptions.CultureInvariant)]
    private static partial Regex CronDone();
}
