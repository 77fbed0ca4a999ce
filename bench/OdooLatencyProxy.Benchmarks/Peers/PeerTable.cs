using System.Globalization;

namespace OdooLatencyProxy.Benchmarks.Peers;

/// <summary>Prints one upstream mode's results as two Markdown tables: best of the rounds with the spread, and ratios to nginx.</summary>
internal static class PeerTable
{
    private sealed record Figure(string Title, Func<PeerRound, double?> Value, bool HigherIsBetter, string Format);

    public static void Print(TextWriter output, IReadOnlyList<PeerResult> results, double rate, bool memory)
    {
        Figure[] figures =
        [
            new($"req/s at {rate:F0}", r => r.Rate.PerSecond, true, "F0"),
            new("CPU µs/req", r => r.RateCpu, false, "F0"),
            new("p50 ms", r => r.Rate.P50, false, "F1"),
            new("p99 ms", r => r.Rate.P99, false, "F1"),
            new("peak req/s", r => r.Peak.PerSecond, true, "F0"),
            new("CPU µs/req at peak", r => r.PeakCpu, false, "F0"),
        ];
        Figure[] allocations =
        [
            new($"B allocated/req at {rate:F0}", r => r.RateAllocated, false, "F0"),
            new("B allocated/req at peak", r => r.PeakAllocated, false, "F0"),
        ];
        var shown = memory ? [.. figures, .. allocations] : figures;
        var rssTitle = memory ? "RSS start / peak / end / idle 60 s" : "RSS start → end";
        output.WriteLine($"| peer | {string.Join(" | ", shown.Select(f => f.Title))} | {rssTitle} | errors |");
        output.WriteLine($"|---|{string.Concat(shown.Select(_ => "---:|"))}---:|---:|");
        foreach (var result in results)
        {
            var cells = shown.Select(f => Cell(result, f));
            var errors = result.Rounds.Sum(r => r.Rate.Errors + r.Peak.Errors);
            output.WriteLine($"| {result.Label} | {string.Join(" | ", cells)} | {(memory ? Memory(result) : Rss(result))} | {errors} |");
        }

        var nginx = results.FirstOrDefault(r => r.Label == "nginx");
        if (nginx is null) return;
        output.WriteLine();
        output.WriteLine("| peer | CPU/req ÷ nginx | p50 vs nginx | p99 vs nginx | peak req/s ÷ nginx | CPU/req at peak ÷ nginx |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var result in results.Where(r => r != nginx))
        {
            output.WriteLine($"| {result.Label} | {Ratio(result, nginx, figures[1])} | {Difference(result, nginx, figures[2])} | " +
                $"{Difference(result, nginx, figures[3])} | {Ratio(result, nginx, figures[4])} | {Ratio(result, nginx, figures[5])} |");
        }
    }

    // Best of the rounds: the figure least disturbed by the machine's other work.
    private static double? Best(PeerResult result, Figure figure)
    {
        var values = Values(result, figure);
        return values.Count == 0 ? null : figure.HigherIsBetter ? values.Max() : values.Min();
    }

    private static List<double> Values(PeerResult result, Figure figure) =>
        result.Rounds.Select(figure.Value).OfType<double>().ToList();

    private static string Cell(PeerResult result, Figure figure)
    {
        var values = Values(result, figure);
        if (values.Count == 0) return "—";
        var best = Format(Best(result, figure)!.Value, figure.Format);
        return values.Count == 1 ? best : $"{best} ({Format(values.Min(), figure.Format)}–{Format(values.Max(), figure.Format)})";
    }

    private static string Ratio(PeerResult result, PeerResult nginx, Figure figure) =>
        (Best(result, figure), Best(nginx, figure)) is (double value, double reference) && reference > 0
            ? $"{Format(value / reference, "F2")}×"
            : "—";

    private static string Difference(PeerResult result, PeerResult nginx, Figure figure) =>
        (Best(result, figure), Best(nginx, figure)) is (double value, double reference) && reference > 0
            ? $"{Format(value - reference, "+0.0;-0.0;0.0")} ms ({Format(value / reference, "F2")}×)"
            : "—";

    private static string Rss(PeerResult result) =>
        result is { RssStart: long start, RssEnd: long end } ? $"{Mib(start)} → {Mib(end)} MiB" : "—";

    private static string Memory(PeerResult result) =>
        result is { RssStart: long start, RssPeak: long peak, RssEnd: long end, RssIdle: long idle }
            ? $"{Mib(start)} / {Mib(peak)} / {Mib(end)} / {Mib(idle)} MiB"
            : "—";

    private static string Mib(long bytes) => Format(bytes / (1024.0 * 1024), "F0");

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
