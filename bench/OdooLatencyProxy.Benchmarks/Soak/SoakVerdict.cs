using System.Globalization;

namespace OdooLatencyProxy.Benchmarks.Soak;

/// <summary>
/// The soak's pass criteria over the samples: after the load, busy and queued are zero within
/// <see cref="ZeroWithin"/>; handles other than loaded code come back to within <see cref="HandleSlack"/> of the start; RSS is flat, the mean
/// of the load's last third at most <see cref="RssGrowth"/> above the mean of its middle third.
/// </summary>
internal sealed class SoakVerdict(IReadOnlyList<SoakSample> samples, double? zeroAfterSeconds)
{
    public static readonly TimeSpan ZeroWithin = TimeSpan.FromSeconds(5);
    public const int HandleSlack = 10;
    public const double RssGrowth = 0.05;

    public bool Passed { get; private set; }

    public void Print(TextWriter output)
    {
        var start = samples.Last(s => s.Phase == "before");
        var load = samples.Where(s => s.Phase == "load").ToList();
        var after = samples.Last(s => s.Phase == "after");
        var third = load.Count / 3;
        var middleRss = load.Skip(third).Take(third).Average(s => s.RssBytes);
        var lastRss = load.Skip(2 * third).Average(s => s.RssBytes);
        var middle = load[load.Count / 2];
        var end = load[^1];

        output.WriteLine("| | start (idle) | middle of load | end of load | 60 s after the load |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        output.WriteLine($"| RSS | {Mib(start.RssBytes)} | {Mib(middle.RssBytes)} | {Mib(end.RssBytes)} | {Mib(after.RssBytes)} |");
        output.WriteLine($"| GC heap after the last collection | {Mib(start.GcHeapBytes)} | {Mib(middle.GcHeapBytes)} | {Mib(end.GcHeapBytes)} | {Mib(after.GcHeapBytes)} |");
        output.WriteLine($"| handles (/proc/PID/fd) | {start.Handles} | {middle.Handles} | {end.Handles} | {after.Handles} |");
        output.WriteLine($"| handles other than loaded code | {start.OtherHandles} | {middle.OtherHandles} | {end.OtherHandles} | {after.OtherHandles} |");
        output.WriteLine($"| threads | {start.Threads} | {middle.Threads} | {end.Threads} | {after.Threads} |");
        output.WriteLine($"| busy / queued | {start.Busy} / {start.Queued} | {middle.Busy} / {middle.Queued} | {end.Busy} / {end.Queued} | {after.Busy} / {after.Queued} |");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"load phase: {load.Count} samples; peak RSS {Mib(load.Max(s => s.RssBytes))}, peak handles {load.Max(s => s.Handles)}, peak busy {load.Max(s => s.Busy)}, peak queued {load.Max(s => s.Queued)}, seconds with a queue {load.Count(s => s.Queued > 0)}"));

        // Not a criterion, but what tells a plateau from a slow climb: RSS per minute of load.
        output.WriteLine("RSS per minute of load (mean): " + string.Join(", ", load.GroupBy(s => (int)((s.Seconds - load[0].Seconds) / 60))
            .Select(g => Mib(g.Average(s => s.RssBytes)))));
        var zero = zeroAfterSeconds is { } z && z <= ZeroWithin.TotalSeconds;
        var handles = after.OtherHandles <= start.OtherHandles + HandleSlack;
        var flat = lastRss <= middleRss * (1 + RssGrowth);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Mark(zero)} busy and queued at zero {(zeroAfterSeconds is { } s ? $"{s:F1} s" : "never (30 s)")} after the load ended (criterion: within {ZeroWithin.TotalSeconds:F0} s)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Mark(handles)} handles other than loaded code {after.OtherHandles} 60 s after the load, {start.OtherHandles} at the start (criterion: at most start + {HandleSlack})"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Mark(flat)} RSS mean {Mib(lastRss)} over the load's last third, {Mib(middleRss)} over its middle third ({(lastRss / middleRss - 1) * 100:+0.0;-0.0} %; criterion: at most +{RssGrowth * 100:F0} %)"));
        Passed = zero && handles && flat;
        output.WriteLine(Passed ? "verdict: PASS" : "verdict: FAIL");
    }

    private static string Mark(bool ok) => ok ? "ok  " : "FAIL";

    private static string Mib(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):F1} MiB");
}
