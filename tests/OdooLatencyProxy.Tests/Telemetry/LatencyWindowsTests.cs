using HdrHistogram;
using Microsoft.Extensions.Time.Testing;
using OdooLatencyProxy.Odoo.Classification;
using OdooLatencyProxy.Telemetry;

namespace OdooLatencyProxy.Tests.Telemetry;

public sealed class LatencyWindowsTests(ITestOutputHelper output)
{
    private static readonly RequestClassifier Classifier = new();
    private static readonly Operation Confirm = Classifier.FindOperation(OperationNames.SaleOrderConfirm)!;
    private static readonly Operation Post = Classifier.FindOperation(OperationNames.InvoicePost)!;

    [Fact]
    public void OneMinuteWindow_ForgetsIntervalsOlderThanAMinute_FiveMinuteWindowKeepsThemUntilFiveMinutes()
    {
        var time = new FakeTimeProvider();
        using var windows = new LatencyWindows(time, TimeSpan.FromSeconds(5));
        for (var i = 0; i < 100; i++) windows.Record(Confirm, Ticks(time, 0.010), failed: false);
        Pass(time, 30);
        for (var i = 0; i < 100; i++) windows.Record(Confirm, Ticks(time, 1.0), failed: i < 10);

        var both = Stats(windows, Confirm);
        Assert.Equal(200, both[0].Count);
        Assert.Equal(200, both[1].Count);
        Assert.Equal(10.0 / 200, both[0].FailureRate, 6);

        // At 65 s the 1 m window (current interval + 11 before) starts at 10 s: the 10 ms requests of 0 s are out of it.
        Pass(time, 35);
        var later = Stats(windows, Confirm);
        Assert.Equal(100, later[0].Count);
        Assert.Equal(1.0, later[0].Seconds![0], 2);
        Assert.Equal(200, later[1].Count);
        Assert.Equal(0.010, later[1].Seconds![0], 4);

        // At 301 s the 5 m window starts at 5 s: only the 1 s requests remain; at 331 s nothing does.
        Pass(time, 236);
        Assert.Equal(100, Stats(windows, Confirm)[1].Count);
        Pass(time, 30);
        Assert.DoesNotContain(windows.Snapshot().Operations, o => o.Operation == Confirm);
    }

    [Fact]
    public void RatePerSecond_DividesByTheSpanTheWindowCovers()
    {
        var time = new FakeTimeProvider();
        using var windows = new LatencyWindows(time, TimeSpan.FromSeconds(5));
        time.Advance(TimeSpan.FromSeconds(20));
        for (var i = 0; i < 40; i++) windows.Record(Post, Ticks(time, 0.2), failed: false);

        var stats = Stats(windows, Post);
        Assert.Equal(2.0, stats[0].RatePerSecond, 6); // 40 requests over the 20 s the proxy has existed.
        time.Advance(TimeSpan.FromSeconds(100));
        // 120 s: the 1 m window spans 65 s .. 120 s = 55 s and holds nothing; 5 m spans 120 s and holds 40.
        var later = windows.Snapshot().Operations.Single(o => o.Operation == Post).Windows;
        Assert.Equal(0, later[0].Count);
        Assert.Null(later[0].Seconds);
        Assert.Equal(40 / 120.0, later[1].RatePerSecond, 6);
    }

    [Fact]
    public void PublishedQuantiles_AreWithinATenthOfAPercentOfTheExactOnes()
    {
        var time = new FakeTimeProvider();
        using var windows = new LatencyWindows(time, TimeSpan.FromSeconds(5));
        var random = new Random(7);
        var samples = new List<double>();
        for (var i = 0; i < 20_000; i++)
        {
            // Log-normal around 80 ms with a long tail.
            var seconds = Math.Exp(Math.Log(0.08) + 0.9 * Gaussian(random));
            samples.Add(Math.Round(seconds, 6));
            windows.Record(Confirm, Ticks(time, Math.Round(seconds, 6)), failed: false);
        }
        samples.Sort();
        var stats = Stats(windows, Confirm)[0];
        for (var q = 0; q < LatencyWindows.Quantiles.Length; q++)
        {
            var exact = Percentiles.Exact(samples, LatencyWindows.Quantiles[q]);
            Assert.InRange(stats.Seconds![q], exact * 0.999 - 1e-6, exact * 1.001 + 1e-6);
        }
    }

    [Fact]
    public void RecordingFromManyThreads_LosesNoCount_WhereARecorderOverAPlainHistogramDoes()
    {
        const int threads = 4, perThread = 500_000;
        var time = new FakeTimeProvider();
        using var windows = new LatencyWindows(time, TimeSpan.FromSeconds(5));
        var lossy = new Recorder(1, LatencyWindows.HighestMicros, 3, static (id, low, high, digits) => new LongHistogram(id, low, high, digits));

        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            for (var i = 0; i < perThread; i++)
            {
                windows.Record(Confirm, Ticks(time, 0.001 * (1 + (i & 7))), failed: false);
                lossy.RecordValue(1000 * (1 + (i & 7)));
            }
        });

        var lost = threads * (long)perThread - lossy.GetIntervalHistogram().TotalCount;
        output.WriteLine($"{threads} threads x {perThread:N0} records: Recorder over IntConcurrentHistogram kept all; " +
            $"Recorder over a plain LongHistogram lost {lost:N0} ({100.0 * lost / (threads * (long)perThread):F3} %) on {Environment.ProcessorCount} cores");
        Assert.Equal(threads * (long)perThread, Stats(windows, Confirm)[0].Count);
    }

    private static IReadOnlyList<WindowStats> Stats(LatencyWindows windows, Operation operation) =>
        windows.Snapshot().Operations.Single(o => o.Operation == operation).Windows;

    // Time passes a second at a time, as it does for the proxy: the drain timer fires on schedule.
    private static void Pass(FakeTimeProvider time, int seconds)
    {
        for (var i = 0; i < seconds; i++) time.Advance(TimeSpan.FromSeconds(1));
    }

    private static long Ticks(FakeTimeProvider time, double seconds) => (long)(seconds * time.TimestampFrequency);

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
