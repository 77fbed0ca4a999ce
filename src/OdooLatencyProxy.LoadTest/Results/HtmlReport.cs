using System.Globalization;
using System.Net;
using System.Text;

namespace OdooLatencyProxy.LoadTest.Results;

/// <summary>report.html: one self-contained file (inline CSS and SVG, no script, nothing fetched), well-formed XHTML so tools can parse it.</summary>
internal static class HtmlReport
{
    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];

    private const int Width = 900;
    private const int Height = 320;
    private const int Left = 70;
    private const int Right = 170;
    private const int Top = 20;
    private const int Bottom = 40;

    public static string Render(RunReport report)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/>");
        html.Append(CultureInfo.InvariantCulture, $"<title>{E(report.Scenario)}: load test report</title>");
        html.Append("<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}h1{font-size:22px}h2{font-size:17px;margin-top:28px}" +
            "table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #ddd;padding:3px 9px;text-align:right}td:first-child,th:first-child{text-align:left}" +
            ".pass{color:#2a7d2a;font-weight:600}.fail{color:#c62828;font-weight:600}.muted{color:#666;font-size:13px}svg text{font-size:11px;fill:#333}</style></head><body>");
        html.Append(CultureInfo.InvariantCulture, $"<h1>{E(report.Scenario)}: {E(report.Load)}</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">target {E(report.Target)}{(report.TargetDescription is null ? "" : " (" + E(report.TargetDescription) + ")")}; started {report.StartedAt:yyyy-MM-dd HH:mm:ss} UTC; " +
            $"ran {E(Durations.FormatSeconds(report.DurationSeconds))}; {report.Totals.Requests} requests, {report.Totals.RatePerSecond:0.0} req/s, {report.Totals.FailureRate * 100:0.##}% failed; " +
            $"late sends {report.Totals.Late}, dropped arrivals {report.Totals.Dropped}. Latency counts from the intended send time.</p>");

        if (report.Thresholds is { } thresholds)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"{(thresholds.Passed ? "pass" : "fail")}\">Thresholds: {(thresholds.Passed ? "PASS" : "FAIL")}</p>");
        }

        if (report.CrossCheck is { } check)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"{(check.Agreed == false ? "fail" : check.Agreed == true ? "pass" : "muted")}\">{E(check.Summary)}</p>");
        }

        Operations(html, report);
        var names = report.Operations.Select(o => o.Operation).ToList();
        html.Append("<h2>Latency over time (p99 per operation per ").Append(E(Durations.FormatSeconds(report.TimelineBucketSeconds))).Append(" by intended send time; grey: max of all)</h2>");
        LatencyOverTime(html, report, names);
        html.Append("<h2>Throughput over time (requests/s; red: failures/s)</h2>");
        Throughput(html, report);
        html.Append("<h2>Latency percentile distribution</h2>");
        Distribution(html, report, names);
        if (report.Thresholds is { Results.Count: > 0 } t) ThresholdTable(html, t);
        if (report.CrossCheck is { Error: null } c) CrossCheckTable(html, c);
        if (report.Notes.Count > 0)
        {
            html.Append("<h2>Notes</h2><ul>");
            foreach (var note in report.Notes) html.Append("<li>").Append(E(note)).Append("</li>");
            html.Append("</ul>");
        }

        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static void Operations(StringBuilder html, RunReport report)
    {
        html.Append("<h2>Operations</h2><table><tr><th>operation</th><th>count</th><th>req/s</th><th>failed</th><th>outcomes</th><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>p99.9</th><th>max</th><th>service p95</th></tr>");
        foreach (var o in report.Operations)
        {
            var l = o.Latency;
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{E(o.Operation)}</td><td>{o.Count}</td><td>{o.RatePerSecond:0.00}</td><td>{o.FailureRate * 100:0.##}%</td><td>{E(string.Join(", ", o.Outcomes.Select(p => $"{p.Key} {p.Value}")))}</td>" +
                $"<td>{S(l.P50)}</td><td>{S(l.P90)}</td><td>{S(l.P95)}</td><td>{S(l.P99)}</td><td>{S(l.P999)}</td><td>{S(l.Max)}</td><td>{S(o.ServiceTime.P95)}</td></tr>");
        }

        html.Append("</table>");
    }

    private static void ThresholdTable(StringBuilder html, ThresholdsReport thresholds)
    {
        html.Append("<h2>Thresholds</h2><table><tr><th>operation</th><th>threshold</th><th>measured</th><th>result</th></tr>");
        foreach (var r in thresholds.Results)
        {
            var measured = r.Actual is not { } a ? "-" : r.Expression.StartsWith("failure_rate", StringComparison.Ordinal)
                ? (a * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%" : Durations.FormatSeconds(a);
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(r.Operation)}</td><td>{E(r.Expression)}</td><td>{E(measured)}</td><td class=\"{(r.Passed ? "pass" : "fail")}\">{(r.Passed ? "pass" : "FAIL")}{(r.Note is null ? "" : " (" + E(r.Note) + ")")}</td></tr>");
        }

        html.Append("</table>");
    }

    private static void CrossCheckTable(StringBuilder html, CrossCheckReport check)
    {
        html.Append(CultureInfo.InvariantCulture, $"<h2>Cross-check with the proxy (window {E(check.Window ?? "")})</h2><p class=\"muted\">Client service time (from the actual send) against the proxy's own percentiles. Agreement rule: {E(check.Rule)}.</p>");
        html.Append("<table><tr><th>operation</th><th>client n</th><th>proxy n</th><th>client p50</th><th>proxy p50</th><th>client p95</th><th>proxy p95</th><th>client p99</th><th>proxy p99</th><th>agree</th></tr>");
        foreach (var r in check.Operations)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{E(r.Operation)}</td><td>{r.ClientCount}</td><td>{r.ProxyCount}</td><td>{S(r.ClientP50)}</td><td>{S(r.ProxyP50)}</td><td>{S(r.ClientP95)}</td><td>{S(r.ProxyP95)}</td><td>{S(r.ClientP99)}</td><td>{S(r.ProxyP99)}</td>" +
                $"<td class=\"{(r.Agrees == false ? "fail" : "")}\">{(r.Agrees switch { true => "yes", false => "NO", null => "-" })}{(r.Note is null ? "" : " <span class=\"muted\">" + E(r.Note) + "</span>")}</td></tr>");
        }

        html.Append("</table>");
    }

    private static void LatencyOverTime(StringBuilder html, RunReport report, List<string> names)
    {
        var points = report.Timeline;
        if (points.Count == 0) { html.Append("<p class=\"muted\">no requests</p>"); return; }
        var xMax = Math.Max(points.Max(p => p.T) + report.TimelineBucketSeconds, 1);
        var (yMin, yMax) = LogRange(points.Select(p => p.P99).Concat(points.Select(p => p.Max)));
        var svg = Open(html);
        LogAxis(svg, yMin, yMax);
        LinearXAxis(svg, xMax, "s since start");
        var maxByBucket = points.GroupBy(p => p.T).Select(g => (T: g.Key, Max: g.Max(p => p.Max)));
        foreach (var (t, max) in maxByBucket)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(t + report.TimelineBucketSeconds / 2, xMax):0.#}\" cy=\"{LogY(max, yMin, yMax):0.#}\" r=\"2.2\" fill=\"#999\"/>");
        }

        for (var i = 0; i < names.Count; i++)
        {
            var series = points.Where(p => p.Operation == names[i]).Select(p => (X: X(p.T + report.TimelineBucketSeconds / 2, xMax), Y: LogY(p.P99, yMin, yMax))).ToList();
            Polyline(svg, series, Color(i));
        }

        Legend(svg, names);
        svg.Append("</svg>");
    }

    private static void Throughput(StringBuilder html, RunReport report)
    {
        var buckets = report.Timeline.GroupBy(p => p.T).Select(g => (T: g.Key, Rate: g.Sum(p => p.Count) / report.TimelineBucketSeconds, Failures: g.Sum(p => p.Failures) / report.TimelineBucketSeconds)).OrderBy(b => b.T).ToList();
        if (buckets.Count == 0) return;
        var xMax = Math.Max(buckets.Max(b => b.T) + report.TimelineBucketSeconds, 1);
        var yMax = NiceCeiling(buckets.Max(b => b.Rate));
        var svg = Open(html);
        for (var k = 0; k <= 4; k++)
        {
            var v = yMax * k / 4;
            var y = LinY(v, yMax);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\" stroke=\"#eee\"/><text x=\"{Left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{v:0.#}</text>");
        }

        LinearXAxis(svg, xMax, "s since start");
        Polyline(svg, buckets.Select(b => (X(b.T + report.TimelineBucketSeconds / 2, xMax), LinY(b.Rate, yMax))).ToList(), "#1f77b4");
        Polyline(svg, buckets.Select(b => (X(b.T + report.TimelineBucketSeconds / 2, xMax), LinY(b.Failures, yMax))).ToList(), "#d62728");
        svg.Append("</svg>");
    }

    private static void Distribution(StringBuilder html, RunReport report, List<string> names)
    {
        var all = report.Operations.SelectMany(o => o.Distribution.Select(p => p[1]));
        if (!all.Any()) return;
        var (yMin, yMax) = LogRange(all);
        const double xMax = 4.3; // up to the 99.995th percentile on a "nines" axis
        var svg = Open(html);
        LogAxis(svg, yMin, yMax);
        foreach (var (label, nines) in new[] { ("0%", 0.0), ("90%", 1), ("99%", 2), ("99.9%", 3), ("99.99%", 4) })
        {
            var x = Left + nines / xMax * (Width - Left - Right);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x:0.#}\" x2=\"{x:0.#}\" y1=\"{Top}\" y2=\"{Height - Bottom}\" stroke=\"#eee\"/><text x=\"{x:0.#}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\">{label}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(Width - Right + Left) / 2}\" y=\"{Height - 6}\" text-anchor=\"middle\">percentile</text>");
        for (var i = 0; i < report.Operations.Count; i++)
        {
            var series = report.Operations[i].Distribution
                .Select(p => (X: Left + Math.Min(Nines(p[0]), xMax) / xMax * (Width - Left - Right), Y: LogY(p[1], yMin, yMax))).ToList();
            Polyline(svg, series, Color(i));
        }

        Legend(svg, names);
        svg.Append("</svg>");
    }

    private static StringBuilder Open(StringBuilder html)
    {
        html.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\">");
        html.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{Width - Left - Right}\" height=\"{Height - Top - Bottom}\" fill=\"none\" stroke=\"#bbb\"/>");
        return html;
    }

    private static void LogAxis(StringBuilder svg, double yMin, double yMax)
    {
        for (var decade = yMin; decade <= yMax * 1.0001; decade *= 10)
        {
            foreach (var m in new[] { 1.0, 2, 5 })
            {
                var v = decade * m;
                if (v > yMax * 1.0001) break;
                var y = LogY(v, yMin, yMax);
                svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\" stroke=\"{(m == 1 ? "#ddd" : "#f3f3f3")}\"/><text x=\"{Left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{E(Durations.FormatSeconds(v))}</text>");
            }
        }
    }

    private static void LinearXAxis(StringBuilder svg, double xMax, string label)
    {
        var step = NiceCeiling(xMax / 8);
        for (var t = 0.0; t <= xMax + 1e-9; t += step)
        {
            var x = X(t, xMax);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x:0.#}\" x2=\"{x:0.#}\" y1=\"{Top}\" y2=\"{Height - Bottom}\" stroke=\"#f0f0f0\"/><text x=\"{x:0.#}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\">{t:0.##}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(Width - Right + Left) / 2}\" y=\"{Height - 6}\" text-anchor=\"middle\">{E(label)}</text>");
    }

    private static void Polyline(StringBuilder svg, List<(double X, double Y)> points, string color)
    {
        if (points.Count == 0) return;
        if (points.Count == 1)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{points[0].X:0.#}\" cy=\"{points[0].Y:0.#}\" r=\"3\" fill=\"{color}\"/>");
            return;
        }

        svg.Append("<polyline fill=\"none\" stroke-width=\"1.8\" stroke=\"").Append(color).Append("\" points=\"");
        foreach (var (x, y) in points) svg.Append(CultureInfo.InvariantCulture, $"{x:0.#},{y:0.#} ");
        svg.Append("\"/>");
    }

    private static void Legend(StringBuilder svg, List<string> names)
    {
        for (var i = 0; i < names.Count && i < 16; i++)
        {
            var y = Top + 8 + i * 16;
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Width - Right + 12}\" y=\"{y - 8}\" width=\"12\" height=\"4\" fill=\"{Color(i)}\"/><text x=\"{Width - Right + 30}\" y=\"{y}\">{E(names[i])}</text>");
        }
    }

    private static double Nines(double percentile) => percentile >= 100 ? 99 : -Math.Log10(1 - percentile / 100);

    private static (double Min, double Max) LogRange(IEnumerable<double> values)
    {
        var positive = values.Where(v => v > 0).DefaultIfEmpty(0.001).ToList();
        var min = Math.Pow(10, Math.Floor(Math.Log10(positive.Min())));
        var max = Math.Pow(10, Math.Ceiling(Math.Log10(positive.Max() * 1.0001)));
        return (min, Math.Max(max, min * 10));
    }

    private static double LogY(double value, double min, double max) =>
        Height - Bottom - (Math.Log10(Math.Max(value, min)) - Math.Log10(min)) / (Math.Log10(max) - Math.Log10(min)) * (Height - Top - Bottom);

    private static double LinY(double value, double max) => Height - Bottom - value / max * (Height - Top - Bottom);

    private static double X(double t, double xMax) => Left + t / xMax * (Width - Left - Right);

    private static double NiceCeiling(double value)
    {
        if (!(value > 0)) return 1;
        var scale = Math.Pow(10, Math.Floor(Math.Log10(value)));
        return new[] { 1.0, 2, 2.5, 5, 10 }.Select(m => m * scale).First(v => v >= value);
    }

    private static string Color(int i) => Palette[i % Palette.Length];

    private static string S(double seconds) => double.IsNaN(seconds) ? "-" : E(Durations.FormatSeconds(seconds));

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
