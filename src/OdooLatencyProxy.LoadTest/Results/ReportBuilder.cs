using HdrHistogram;
using OdooLatencyProxy.LoadTest.Engine;

namespace OdooLatencyProxy.LoadTest.Results;

/// <summary>Builds the report from a finished run.</summary>
internal static class ReportBuilder
{
    public static RunReport Build(RunResult run, string scenario, string? scenarioFile, string? targetDescription)
    {
        var snapshot = run.Results.Snapshot();
        var seconds = Math.Max(run.Elapsed.TotalSeconds, 1e-3);
        var operations = snapshot.Operations.Values
            .OrderByDescending(o => o.Count).ThenBy(o => o.Name, StringComparer.Ordinal)
            .Select(o => new OperationReport
            {
                Operation = o.Name,
                Count = o.Count,
                Failures = o.Failures,
                FailureRate = o.Count == 0 ? 0 : (double)o.Failures / o.Count,
                RatePerSecond = o.Count / seconds,
                Outcomes = o.Outcomes,
                Latency = Percentiles.Of(o.Latency),
                ServiceTime = Percentiles.Of(o.Service),
                Distribution = Distribution(o.Latency),
            }).ToList();
        var total = operations.Sum(o => o.Count);
        var failures = operations.Sum(o => o.Failures);
        var bucket = Math.Max(1.0, Math.Ceiling(run.Elapsed.TotalSeconds / 120));
        var notes = new List<string>();
        if (snapshot.SamplesTruncated)
        {
            notes.Add($"Charts cover the first {snapshot.Samples.Count} requests only; percentiles cover all.");
        }

        if (run.Results.Dropped > 0)
        {
            notes.Add($"{run.Results.Dropped} arrivals were dropped because {run.Settings.MaxInFlight} steps were already in flight: the target could not keep up with the arrival rate.");
        }

        if (run.Results.Late > 0)
        {
            notes.Add($"{run.Results.Late} sends left later than {Durations.Format(run.Settings.LateTolerance)} after their intended time (the harness host was busy); their latency still counts from the intended time.");
        }

        notes.AddRange(run.Notes);
        foreach (var (reason, (count, example)) in run.Results.Problems())
        {
            notes.Add($"{count} x {reason}" + (example is null ? "" : $" (first answer: {example})"));
        }

        if (run.Settings.Model == LoadModel.Closed)
        {
            notes.Add("Closed model: each user waits for its answer before the next request, so a stall delays the requests that would have been sent during it and they never show its cost (coordinated omission). Use the open model (--rate) for latency percentiles.");
        }

        return new RunReport
        {
            Scenario = scenario,
            ScenarioFile = scenarioFile,
            Target = run.Settings.Target.ToString(),
            TargetDescription = targetDescription,
            Model = run.Settings.Model == LoadModel.Open ? "open" : "closed",
            Load = run.Settings.Describe(),
            StartedAt = run.StartedAt,
            DurationSeconds = run.Elapsed.TotalSeconds,
            Totals = new Totals(total, failures, total == 0 ? 0 : (double)failures / total, total / seconds, run.Results.Late, run.Results.Dropped, run.Results.MaxInFlight),
            Operations = operations,
            TimelineBucketSeconds = bucket,
            Timeline = Timeline(snapshot, bucket),
            Notes = notes,
        };
    }

    private static List<double[]> Distribution(HistogramBase histogram)
    {
        var points = new List<double[]>();
        if (histogram.TotalCount == 0) return points;
        foreach (var p in new[] { 0.0, 10, 25, 50, 75, 90, 95, 97.5, 99, 99.5, 99.9, 99.95, 99.99, 100 })
        {
            points.Add([p, histogram.HighestEquivalentValue(histogram.GetValueAtPercentile(p)) / 1e6]);
        }

        return points;
    }

    private static List<TimelinePoint> Timeline(CollectorSnapshot snapshot, double bucketSeconds)
    {
        var bucketUs = (long)(bucketSeconds * 1e6);
        var points = new List<TimelinePoint>();
        foreach (var group in snapshot.Samples.GroupBy(s => (Bucket: Math.Max(0, s.IntendedUs) / bucketUs, s.Operation)).OrderBy(g => g.Key.Bucket).ThenBy(g => g.Key.Operation))
        {
            var latencies = group.Select(s => s.LatencyUs).Order().ToArray();
            points.Add(new TimelinePoint(group.Key.Bucket * bucketSeconds, snapshot.Names[group.Key.Operation], latencies.Length, group.Count(s => s.Failed),
                Rank(latencies, 0.50) / 1e6, Rank(latencies, 0.99) / 1e6, latencies[^1] / 1e6));
        }

        return points;
    }

    // Nearest-rank percentile of a sorted array: exact for charts of a few hundred points per bucket.
    private static long Rank(long[] sorted, double quantile) => sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
}
