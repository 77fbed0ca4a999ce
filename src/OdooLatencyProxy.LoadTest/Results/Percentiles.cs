using HdrHistogram;

namespace OdooLatencyProxy.LoadTest.Results;

/// <summary>Percentiles in seconds.</summary>
internal sealed record Percentiles(double P50, double P90, double P95, double P99, double P999, double Max, double Mean)
{
    public static Percentiles Of(HistogramBase histogram) => histogram.TotalCount == 0
        ? new(0, 0, 0, 0, 0, 0, 0)
        : new(At(histogram, 50), At(histogram, 90), At(histogram, 95), At(histogram, 99), At(histogram, 99.9),
            histogram.HighestEquivalentValue(histogram.GetMaxValue()) / 1e6, histogram.GetMean() / 1e6);

    /// <summary>The value at a percentile name such as <c>p95</c>, <c>p99.9</c>, <c>max</c>, <c>mean</c>; null if unknown.</summary>
    public double? Get(string name) => name switch
    {
        "p50" or "median" => P50,
        "p90" => P90,
        "p95" => P95,
        "p99" => P99,
        "p999" or "p99.9" => P999,
        "max" => Max,
        "mean" or "avg" => Mean,
        _ => null,
    };

    private static double At(HistogramBase histogram, double percentile) =>
        histogram.HighestEquivalentValue(histogram.GetValueAtPercentile(percentile)) / 1e6;
}
