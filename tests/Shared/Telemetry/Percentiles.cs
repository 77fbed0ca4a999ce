namespace OdooLatencyProxy.Tests.Telemetry;

/// <summary>Exact percentiles and what Prometheus' histogram_quantile would estimate from buckets.</summary>
public static class Percentiles
{
    /// <summary>Nearest rank, HdrHistogram's definition: the smallest sample with at least q of the samples at or below it.</summary>
    public static double Exact(IReadOnlyList<double> sorted, double q) => sorted[Math.Max(0, (int)Math.Ceiling(q * sorted.Count) - 1)];

    /// <summary>Prometheus' histogram_quantile: linear interpolation inside the bucket the rank falls in.</summary>
    public static double HistogramQuantile(IReadOnlyList<double> samples, IReadOnlyList<double> bounds, double q)
    {
        var counts = new long[bounds.Count + 1];
        foreach (var s in samples)
        {
            var i = 0;
            while (i < bounds.Count && s > bounds[i]) i++;
            counts[i]++;
        }
        var rank = q * samples.Count;
        long cumulative = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            if (cumulative + counts[i] >= rank)
            {
                if (i == bounds.Count) return bounds[^1]; // In +Inf: Prometheus answers the highest finite bound.
                var lower = i == 0 ? 0 : bounds[i - 1];
                return lower + (bounds[i] - lower) * ((rank - cumulative) / counts[i]);
            }
            cumulative += counts[i];
        }
        return bounds[^1];
    }
}
