using System.Globalization;
using OdooLatencyProxy.Telemetry;

namespace OdooLatencyProxy.Tests.Telemetry;

/// <summary>
/// Known latency distributions through the real proxy against the simulator (X-Sim-Delay-Ms), published p95/p99
/// compared with the exact percentiles of the durations the proxy recorded for the same requests.
/// </summary>
/// <remarks>
/// Scaled to keep the suite quick: 500 requests per distribution with 32 simulator workers, so the bimodal case's
/// 1 % tail (five requests of 8 s) runs in parallel and the whole test takes about ten seconds, not minutes.
/// </remarks>
public sealed class AccuracyTests(ITestOutputHelper output)
{
    private const int Requests = 500;
    private const int Concurrency = 32;

    // OpenTelemetry's default explicit buckets for http.server.request.duration (semantic conventions).
    private static readonly double[] SemConvBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    public static TheoryData<string> Distributions => ["uniform", "lognormal", "bimodal"];

    [Theory]
    [MemberData(nameof(Distributions))]
    public async Task PublishedP95AndP99_AreWithinOnePercentOfTheExactPercentiles(string distribution)
    {
        var operation = "test." + distribution;
        await using var harness = await TelemetryHarness.StartAsync(Concurrency, Concurrency, new Dictionary<string, string?>
        {
            ["Classification:Rules:0:Name"] = operation,
            ["Classification:Rules:0:Path"] = "/odoo/" + distribution,
        });
        var delays = Delays(distribution, new Random(42));

        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < delays.Length)
            {
                using var response = await harness.GetAsync("/odoo/" + distribution, delays[i]);
                Assert.True(response.IsSuccessStatusCode || (int)response.StatusCode is >= 300 and < 400);
            }
        }));
        await Wait.UntilAsync(async () => (await harness.OperationWindowAsync(operation))?.GetProperty("count").GetInt64() == Requests,
            $"the proxy published {Requests} requests of {operation}");

        await Wait.UntilAsync(() => harness.Recorder.Records.Count == Requests, $"the recorder saw {Requests} requests");
        // The durations the proxy measured for these requests: the exact reference.
        var samples = harness.Recorder.Records.Where(r => r.Record.Operation.Name == operation)
            .Select(r => (r.Record.FinishedAt - r.Record.StartedAt) / (double)System.Diagnostics.Stopwatch.Frequency).Order().ToList();
        Assert.Equal(Requests, samples.Count);

        var window = (await harness.OperationWindowAsync(operation))!.Value;
        var scraped = (await harness.ScrapeAsync()).Where(s => s.Name == "odoo_request_latency_seconds" && s["odoo_operation"] == operation && s["window"] == "1m")
            .ToDictionary(s => s["quantile"], s => s.Value);
        var contractBuckets = harness.Meter.Instruments.RequestDuration.Buckets!;

        output.WriteLine($"{distribution}: {Requests} requests, intended delays {delays.Min():F0}..{delays.Max():F0} ms");
        output.WriteLine("quantile   exact(s)   published(s)  error    /metrics(s)   histogram_quantile semconv buckets   contract buckets");
        foreach (var (q, json) in new[] { (0.5, "p50"), (0.95, "p95"), (0.99, "p99"), (0.999, "p999") })
        {
            var exact = Percentiles.Exact(samples, q);
            var published = window.GetProperty(json).GetDouble();
            var metric = scraped[q.ToString(CultureInfo.InvariantCulture)];
            var semconv = Percentiles.HistogramQuantile(samples, SemConvBuckets, q);
            var contract = Percentiles.HistogramQuantile(samples, contractBuckets, q);
            output.WriteLine($"{q,-8}  {exact,9:F4}   {published,9:F4}    {100 * (published - exact) / exact,6:F3} %  {metric,9:F4}     " +
                $"{semconv,9:F4} ({100 * (semconv - exact) / exact,7:F1} %)      {contract,9:F4} ({100 * (contract - exact) / exact,7:F1} %)");
            Assert.Equal(published, metric, 9);
            if (q is 0.95 or 0.99)
            {
                Assert.InRange(published, exact * 0.99, exact * 1.01);
            }
        }
        Assert.InRange(window.GetProperty("max").GetDouble(), samples[^1] * 0.99, samples[^1] * 1.01);
    }

    // Intended upstream delays in milliseconds.
    private static double[] Delays(string distribution, Random random)
    {
        var delays = new double[Requests];
        for (var i = 0; i < Requests; i++)
        {
            delays[i] = distribution switch
            {
                "uniform" => 5 + random.NextDouble() * 195,
                // Median 40 ms, sigma 0.7: p99 around 200 ms.
                "lognormal" => Math.Exp(Math.Log(40) + 0.7 * Gaussian(random)),
                // 99 % around 20..60 ms, 1 % at 8 s.
                "bimodal" => i < Requests / 100 ? 8000 : 20 + random.NextDouble() * 40,
                _ => throw new ArgumentOutOfRangeException(nameof(distribution)),
            };
        }
        // The 8 s tail goes first, all in parallel, so it never queues behind itself; the rest is shuffled.
        random.Shuffle(delays.AsSpan(distribution == "bimodal" ? Requests / 100 : 0));
        return delays;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
