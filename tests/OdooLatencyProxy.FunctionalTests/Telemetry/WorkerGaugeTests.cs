namespace OdooLatencyProxy.Tests.Telemetry;

/// <summary>The workers gauges on /metrics say what the simulator itself counts.</summary>
public sealed class WorkerGaugeTests
{
    [Fact]
    public async Task BusyAndQueuedGauges_EqualTheSimulatorsRequestsInProgress_AtEverySampledMoment()
    {
        const int workers = 3;
        await using var harness = await TelemetryHarness.StartAsync(workers, workers);
        using var stop = new CancellationTokenSource();
        var requests = new List<Task>();
        try
        {
            for (var sent = 1; sent <= workers + 3; sent++)
            {
                requests.Add(Swallow(harness.GetAsync("/odoo", delayMs: 60_000, cancellationToken: stop.Token)));
                var expectedBusy = Math.Min(sent, workers);
                var expectedQueued = Math.Max(0, sent - workers);
                // Sampled once the simulator has accepted what it can: then both sides must agree.
                await Wait.UntilAsync(() => harness.Sim.InProgress == expectedBusy, $"the simulator holds {expectedBusy}");
                await Wait.UntilAsync(async () => Gauge(await harness.ScrapeAsync(), "odoo_workers_queued") == expectedQueued, $"{expectedQueued} queued");
                var samples = await harness.ScrapeAsync();
                Assert.Equal(harness.Sim.InProgress, Gauge(samples, "odoo_workers_busy"));
                Assert.Equal(workers, Gauge(samples, "odoo_workers_limit"));
                Assert.Equal(expectedQueued, Gauge(samples, "odoo_workers_queued"));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(requests);
        }
        // The clients are gone: the queued requests leave the queue, but the simulator, like Odoo, goes on with the
        // three it holds, and the busy gauge keeps saying so instead of pretending the workers are free.
        await Wait.UntilAsync(async () => Gauge(await harness.ScrapeAsync(), "odoo_workers_queued") == 0, "the queue emptied");
        Assert.Equal(workers, harness.Sim.InProgress);
        Assert.Equal(harness.Sim.InProgress, Gauge(await harness.ScrapeAsync(), "odoo_workers_busy"));
    }

    private static double Gauge(IReadOnlyList<PromSample> samples, string name) => samples.Single(s => s.Name == name).Value;

    private static async Task Swallow(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
        }
    }
}
