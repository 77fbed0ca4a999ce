using System.Globalization;
using System.Text.RegularExpressions;
using OdooLatencyProxy.LoadTest.Results;

namespace OdooLatencyProxy.LoadTest.Thresholds;

/// <summary>
/// A k6-style pass/fail rule on one operation (or <c>*</c>, every operation): <c>p95 &lt; 2s</c>, <c>p99 &lt;= 500ms</c>,
/// <c>max &lt; 10s</c>, <c>failure_rate &lt; 1%</c>. Latency metrics use the latency from the intended send time.
/// </summary>
internal sealed partial record Threshold(string Operation, string Metric, bool OrEqual, double Limit, string Expression)
{
    /// <summary>Every operation.</summary>
    public const string AllOperations = "*";

    private static readonly string[] LatencyMetrics = ["p50", "median", "p90", "p95", "p99", "p999", "p99.9", "max", "mean", "avg"];

    /// <summary>Parses <c>metric &lt; value</c> for <paramref name="operation"/>; throws <see cref="FormatException"/> naming the problem.</summary>
    public static Threshold Parse(string operation, string expression)
    {
        var match = ExpressionPattern().Match(expression);
        if (!match.Success)
        {
            throw new FormatException($"threshold '{expression}': expected METRIC < VALUE, e.g. 'p95 < 2s' or 'failure_rate < 1%'");
        }

        var metric = match.Groups["metric"].Value.ToLowerInvariant();
        var value = match.Groups["value"].Value.Trim();
        double limit;
        if (metric == "failure_rate")
        {
            limit = value.EndsWith('%')
                ? double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) ? percent / 100 : double.NaN
                : double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var fraction) ? fraction : double.NaN;
            if (!(limit is >= 0 and <= 1))
            {
                throw new FormatException($"threshold '{expression}': failure_rate needs a percentage (1%) or a fraction (0.01)");
            }
        }
        else if (LatencyMetrics.Contains(metric))
        {
            limit = (Durations.TryParse(value) ?? throw new FormatException($"threshold '{expression}': '{value}' is not a duration (2s, 500ms)")).TotalSeconds;
        }
        else
        {
            throw new FormatException($"threshold '{expression}': unknown metric '{metric}' (p50, p90, p95, p99, p99.9, max, mean, failure_rate)");
        }

        return new Threshold(operation, metric, match.Groups["op"].Value == "<=", limit, $"{metric} {match.Groups["op"].Value} {value}");
    }

    /// <summary>The measured value of this metric for <paramref name="operation"/>.</summary>
    public double Actual(OperationReport operation) =>
        Metric == "failure_rate" ? operation.FailureRate : operation.Latency.Get(Metric) ?? double.NaN;

    public bool Passes(double actual) => OrEqual ? actual <= Limit : actual < Limit;

    public string FormatValue(double value) => Metric == "failure_rate"
        ? (value * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%"
        : Durations.FormatSeconds(value);

    [GeneratedRegex(@"^\s*(?<metric>[a-zA-Z_][a-zA-Z0-9_.]*)\s*(?<op><=|<)\s*(?<value>.+?)\s*$")]
    private static partial Regex ExpressionPattern();
}
