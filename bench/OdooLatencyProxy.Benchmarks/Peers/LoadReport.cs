using System.Globalization;
using System.Text.RegularExpressions;

namespace OdooLatencyProxy.Benchmarks.Peers;

/// <summary>What a load tool's summary says: answered requests, rate, client latency percentiles, failures.</summary>
/// <param name="Requests">Requests answered (any status).</param>
/// <param name="PerSecond">The tool's own requests per second.</param>
/// <param name="P50">Client latency, median, in milliseconds.</param>
/// <param name="P99">Client latency, 99th percentile, in milliseconds.</param>
/// <param name="Errors">Non-2xx answers plus connection errors and timeouts.</param>
internal sealed partial record LoadReport(long Requests, double PerSecond, double P50, double P99, long Errors)
{
    /// <summary>
    /// Reads <c>hey</c>'s default summary (latencies in seconds with four decimals: 0.1 ms resolution). A percentile
    /// hey does not print is NaN: it prints none when nothing was answered, and no 99 % below 100 answers.
    /// </summary>
    public static LoadReport ParseHey(string output)
    {
        var statuses = HeyStatus().Matches(output).Select(m => (Code: Int(m.Groups[1].Value), Count: Long(m.Groups[2].Value))).ToList();
        var errorsAt = output.IndexOf("Error distribution:", StringComparison.Ordinal);
        var transportErrors = errorsAt < 0 ? 0 : HeyError().Matches(output[errorsAt..]).Sum(m => Long(m.Groups[1].Value));
        return new(
            statuses.Sum(s => s.Count),
            Double(Required(HeyRate(), output, "Requests/sec")),
            HeyLatency(output, "50"),
            HeyLatency(output, "99"),
            statuses.Where(s => s.Code is < 200 or > 299).Sum(s => s.Count) + transportErrors);
    }

    /// <summary>Reads <c>wrk --latency</c>'s summary (latencies with their unit: us, ms, s).</summary>
    public static LoadReport ParseWrk(string output)
    {
        var socket = WrkSocketErrors().Match(output);
        var socketErrors = socket.Success ? Enumerable.Range(1, 4).Sum(g => Long(socket.Groups[g].Value)) : 0;
        var non2xx = WrkNon2xx().Match(output);
        return new(
            Long(Required(WrkRequests(), output, "requests in")),
            Double(Required(WrkRate(), output, "Requests/sec")),
            WrkLatency(output, "50"),
            WrkLatency(output, "99"),
            socketErrors + (non2xx.Success ? Long(non2xx.Groups[1].Value) : 0));
    }

    private static double HeyLatency(string output, string percentile) =>
        HeyPercentile().Matches(output).FirstOrDefault(m => m.Groups[1].Value == percentile) is { } match
            ? Double(match.Groups[2].Value) * 1000
            : double.NaN;

    private static double WrkLatency(string output, string percentile)
    {
        var match = WrkPercentile().Matches(output).FirstOrDefault(m => m.Groups[1].Value == percentile)
            ?? throw new FormatException($"wrk output has no {percentile}% latency line (was --latency given?)");
        var value = Double(match.Groups[2].Value);
        return match.Groups[3].Value switch
        {
            "us" => value / 1000,
            "ms" => value,
            "s" => value * 1000,
            "m" => value * 60_000,
            var unit => throw new FormatException($"wrk latency unit '{unit}' is not known"),
        };
    }

    private static string Required(Regex regex, string output, string what) =>
        regex.Match(output) is { Success: true } match
            ? match.Groups[1].Value
            : throw new FormatException($"no '{what}' line in the load tool's output:\n{output}");

    private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);
    private static long Long(string s) => long.Parse(s, CultureInfo.InvariantCulture);
    private static double Double(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\s*\[(\d{3})\]\s+(\d+) responses", RegexOptions.Multiline)]
    private static partial Regex HeyStatus();

    [GeneratedRegex(@"^\s*\[(\d+)\]\s", RegexOptions.Multiline)]
    private static partial Regex HeyError();

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex HeyRate();

    [GeneratedRegex(@"^\s*(\d+)% in ([\d.]+) secs", RegexOptions.Multiline)]
    private static partial Regex HeyPercentile();

    [GeneratedRegex(@"^\s*(\d+) requests in ", RegexOptions.Multiline)]
    private static partial Regex WrkRequests();

    [GeneratedRegex(@"^Requests/sec:\s+([\d.]+)", RegexOptions.Multiline)]
    private static partial Regex WrkRate();

    [GeneratedRegex(@"^\s*(\d+)%\s+([\d.]+)(us|ms|s|m)\s*$", RegexOptions.Multiline)]
    private static partial Regex WrkPercentile();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex WrkSocketErrors();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex WrkNon2xx();
}
