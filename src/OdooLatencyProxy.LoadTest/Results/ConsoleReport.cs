using System.Globalization;
using System.Text;

namespace OdooLatencyProxy.LoadTest.Results;

/// <summary>The end-of-run table: per operation count, rate, failures and latency percentiles, then thresholds and the cross-check.</summary>
internal static class ConsoleReport
{
    public static string Render(RunReport report)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"scenario {report.Scenario}: {report.Load}");
        text.AppendLine(CultureInfo.InvariantCulture, $"target   {report.Target}{(report.TargetDescription is null ? "" : $" ({report.TargetDescription})")}");
        text.AppendLine("latency from the intended send time (open model: includes any wait caused by the target); HDR, 3 significant digits");
        text.AppendLine();
        var crossCheck = report.CrossCheck is { Error: null } ? report.CrossCheck : null;
        var header = new List<string> { "operation", "count", "req/s", "fail%", "p50", "p95", "p99", "max" };
        if (crossCheck is not null) header.AddRange(["svc p95", "proxy p95", "agree"]);
        var rows = new List<string[]> { header.ToArray() };
        foreach (var o in report.Operations)
        {
            var row = new List<string>
            {
                o.Operation, o.Count.ToString(CultureInfo.InvariantCulture), o.RatePerSecond.ToString("0.00", CultureInfo.InvariantCulture),
                (o.FailureRate * 100).ToString("0.00", CultureInfo.InvariantCulture),
                Durations.FormatSeconds(o.Latency.P50), Durations.FormatSeconds(o.Latency.P95), Durations.FormatSeconds(o.Latency.P99), Durations.FormatSeconds(o.Latency.Max),
            };
            if (crossCheck is not null)
            {
                var c = crossCheck.Operations.FirstOrDefault(r => r.Operation == o.Operation);
                row.AddRange([
                    Durations.FormatSeconds(o.ServiceTime.P95),
                    c is null || double.IsNaN(c.ProxyP95) ? "-" : Durations.FormatSeconds(c.ProxyP95),
                    c?.Agrees switch { true => "yes", false => "NO", null => "-" },
                ]);
            }

            rows.Add([.. row]);
        }

        var t = report.Totals;
        rows.Add(["total", t.Requests.ToString(CultureInfo.InvariantCulture), t.RatePerSecond.ToString("0.00", CultureInfo.InvariantCulture),
            (t.FailureRate * 100).ToString("0.00", CultureInfo.InvariantCulture), "", "", "", ""]);
        AppendTable(text, rows);
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"duration {Durations.FormatSeconds(report.DurationSeconds)}  late sends {t.Late}  dropped arrivals {t.Dropped}  max in flight {t.MaxInFlight}");
        if (report.CrossCheck is { } check)
        {
            text.AppendLine(check.Summary);
            if (check.Error is null) text.AppendLine("  rule: " + check.Rule);
        }

        if (report.Thresholds is { } thresholds)
        {
            text.AppendLine(thresholds.Passed ? "thresholds: PASS" : "thresholds: FAIL");
            foreach (var r in thresholds.Results)
            {
                var actual = r.Actual is { } a ? (r.Expression.StartsWith("failure_rate", StringComparison.Ordinal)
                    ? (a * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%" : Durations.FormatSeconds(a)) : "-";
                text.AppendLine(CultureInfo.InvariantCulture, $"  {(r.Passed ? "ok  " : "FAIL")} {r.Operation}: {r.Expression} (measured {actual}){(r.Note is null ? "" : " " + r.Note)}");
            }
        }

        foreach (var note in report.Notes)
        {
            text.AppendLine("note: " + note);
        }

        return text.ToString();
    }

    public static void AppendTable(StringBuilder text, List<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows.Max(r => r.Length)).Select(i => rows.Max(r => i < r.Length ? r[i].Length : 0)).ToArray();
        foreach (var row in rows)
        {
            var line = new StringBuilder();
            for (var i = 0; i < row.Length; i++)
            {
                line.Append(i == 0 ? row[i].PadRight(widths[i]) : "  " + row[i].PadLeft(widths[i]));
            }

            text.AppendLine(line.ToString().TrimEnd());
        }
    }
}
