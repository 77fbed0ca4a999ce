using System.Net;
using Microsoft.AspNetCore.Http;
using OdooLatencyProxy.Admission;
using OdooLatencyProxy.Tests.Infrastructure;

namespace OdooLatencyProxy.Tests.Admission;

/// <summary>Worker admission through the real proxy in front of a real upstream server.</summary>
public sealed class AdmissionTests
{
    // An upstream "worker" that holds each request until the test lets it go.
    private sealed class Gate
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task WaitAsync(CancellationToken ct) => _open.Task.WaitAsync(ct);

        public void Open() => _open.TrySetResult();
    }

    [Fact]
    public async Task TenConcurrentSlowRequests_NeverMoreThanTwoReachOdoo_AndAreServedInArrivalOrder()
    {
        var finishOne = new SemaphoreSlim(0);
        await using var upstream = await TestUpstream.StartAsync(async c => await finishOne.WaitAsync(c.RequestAborted));
        var recorder = new RecordingRecorder();
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri, workers: 2), recorder);
        using var client = TestProxy.Client(proxy);

        var requests = new List<Task<HttpResponseMessage>>();
        for (var i = 0; i < 10; i++)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/web/dataset/call_button") { Content = new StringContent("{}") };
            request.Headers.Add("X-Test-Id", Id(i));
            requests.Add(client.SendAsync(request));
            // Send the next one only once this one has reached Odoo or the queue, so arrival order is defined.
            var (arrived, queued) = (Math.Min(i + 1, 2), Math.Max(i - 1, 0));
            await Wait.UntilAsync(() => upstream.Arrivals.Count == arrived && proxy.Pools.Workers.Snapshot().Queued == queued, what: $"request {i} arrived");
        }

        Assert.Equal(2, Busy(proxy.Pools));
        // Odoo finishes one request at a time; each frees exactly one worker for the oldest waiter.
        for (var done = 1; done <= 8; done++)
        {
            finishOne.Release();
            var expected = done + 2;
            await Wait.UntilAsync(() => upstream.Arrivals.Count == expected, what: $"{expected} arrivals");
            Assert.Equal(2, upstream.InFlight);
        }
        finishOne.Release(2);
        var responses = await Task.WhenAll(requests);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(2, upstream.MaxInFlight);
        Assert.Equal(Enumerable.Range(0, 10).Select(Id), upstream.Arrivals);
        // The first two went straight to a worker; the other eight waited, and the wait was measured.
        await Wait.UntilAsync(() => recorder.Records.Count == 10, what: "all recorded");
        var waits = recorder.Records.ToDictionary(r => r.TestId, r => r.Record.QueueWait);
        Assert.Equal(TimeSpan.Zero, waits["0"]);
        Assert.Equal(TimeSpan.Zero, waits["1"]);
        Assert.All(Enumerable.Range(2, 8), i => Assert.True(waits[Id(i)] > TimeSpan.Zero));
        AssertIdle(proxy.Pools);
    }

    private static string Id(int i) => i.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task FullQueue_Gets503WithRetryAfter_AndOdooNeverSeesIt()
    {
        var gate = new Gate();
        await using var upstream = await TestUpstream.StartAsync(async c => await gate.WaitAsync(c.RequestAborted));
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri, workers: 1) with { MaxQueueLength = 1, RetryAfterSeconds = 7 });
        using var client = TestProxy.Client(proxy);

        var holding = client.GetAsync("/web");
        await Wait.UntilAsync(() => upstream.InFlight == 1);
        var queued = client.GetAsync("/web");
        await Wait.UntilAsync(() => proxy.Pools.Workers.Snapshot().Queued == 1);
        using var rejected = await client.GetAsync("/web");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, rejected.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), rejected.Headers.RetryAfter?.Delta);
        Assert.Contains("queue is full", await rejected.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        gate.Open();
        Assert.Equal(HttpStatusCode.OK, (await holding).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await queued).StatusCode);
        Assert.Equal(2, upstream.Arrivals.Count);
        AssertIdle(proxy.Pools);
    }

    [Fact]
    public async Task QueueWaitLimit_Gets503_AfterTheConfiguredWait()
    {
        var gate = new Gate();
        await using var upstream = await TestUpstream.StartAsync(async c => await gate.WaitAsync(c.RequestAborted));
        var recorder = new RecordingRecorder();
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri, workers: 1) with { MaxQueueWait = TimeSpan.FromMilliseconds(300) }, recorder);
        using var client = TestProxy.Client(proxy);

        var holding = client.GetAsync("/web");
        await Wait.UntilAsync(() => upstream.InFlight == 1);
        using var timedOut = await client.GetAsync("/web");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, timedOut.StatusCode);
        Assert.NotNull(timedOut.Headers.RetryAfter);
        await Wait.UntilAsync(() => !recorder.Records.IsEmpty, "the refusal is recorded");
        var record = Assert.Single(recorder.Records).Record;
        Assert.Equal(AdmissionRejection.QueueTimeout, record.Rejection);
        // The timer may fire a hair before the stopwatch says 300 ms.
        Assert.True(record.QueueWait >= TimeSpan.FromMilliseconds(290), $"waited {record.QueueWait}");
        gate.Open();
        await holding;
        AssertIdle(proxy.Pools);
    }

    [Fact]
    public async Task ClientAborts_UpstreamResets_AndTimeouts_AllGiveTheirWorkersBack()
    {
        await using var upstream = await TestUpstream.StartAsync(async c =>
        {
            switch (c.Request.Path.Value)
            {
                case "/reset":
                    c.Abort(); // A worker SIGKILLed by limit_time_real: the connection just drops.
                    return;
                case "/slow":
                    await Task.Delay(Timeout.Infinite, c.RequestAborted);
                    return;
                default:
                    await c.Response.WriteAsync("ok");
                    return;
            }
        });
        var recorder = new RecordingRecorder();
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri, workers: 2) with { Timeout = TimeSpan.FromMilliseconds(500) }, recorder);
        using var client = TestProxy.Client(proxy);

        // Two requests hold both workers until the proxy's timeout; two more queue and are abandoned by their client.
        var timeouts = new[] { client.GetAsync("/slow"), client.GetAsync("/slow") };
        await Wait.UntilAsync(() => Busy(proxy.Pools) == 2);
        using var abandon = new CancellationTokenSource();
        var abandoned = new[] { client.GetAsync("/web", abandon.Token), client.GetAsync("/web", abandon.Token) };
        await Wait.UntilAsync(() => proxy.Pools.Workers.Snapshot().Queued == 2);
        await abandon.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.WhenAll(abandoned));
        await Wait.UntilAsync(() => proxy.Pools.Workers.Snapshot().Queued == 0, what: "aborted requests leave the queue");

        var timedOut = await Task.WhenAll(timeouts);
        using var reset = await client.GetAsync("/reset");
        using var fine = await client.GetAsync("/fine");

        Assert.All(timedOut, r => Assert.Equal(HttpStatusCode.GatewayTimeout, r.StatusCode));
        Assert.Equal(HttpStatusCode.BadGateway, reset.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
        await Wait.UntilAsync(() => recorder.Records.Count == 6, what: "every request recorded once");
        AssertIdle(proxy.Pools);
    }

    [Fact]
    public async Task ClientAbortWhileOdooWorks_KeepsTheWorkerCountedUntilOdooHasFinished()
    {
        // Like a prefork worker, this upstream finishes its work whether or not anyone still listens.
        var gate = new Gate();
        await using var upstream = await TestUpstream.StartAsync(async c =>
        {
            await gate.WaitAsync(CancellationToken.None);
            await c.Response.WriteAsync("done");
        });
        var recorder = new RecordingRecorder();
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri, workers: 1), recorder);
        using var client = TestProxy.Client(proxy);
        using var abort = new CancellationTokenSource();

        var abandoned = client.GetAsync("/report/pdf/sale.report_saleorder/7", abort.Token);
        await Wait.UntilAsync(() => upstream.InFlight == 1, "the report reached Odoo");
        await abort.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        // The next request waits in the proxy: Odoo's only worker is still busy with the abandoned report.
        var next = client.GetStringAsync("/web");
        await Wait.UntilAsync(() => proxy.Pools.Workers.Snapshot().Queued == 1, "the next request queued");
        Assert.Equal(1, proxy.Pools.Workers.Snapshot().Destinations[0].Busy);

        gate.Open();

        Assert.Equal("done", await next);
        Assert.Equal(1, upstream.MaxInFlight);
        await Wait.UntilAsync(() => recorder.Records.Count == 2, "both recorded");
        Assert.Contains(recorder.Records, r => r.Record.Outcome.Outcome == OdooLatencyProxy.Odoo.Classification.OdooOutcome.ClientAbort);
        AssertIdle(proxy.Pools);
    }

    [Fact]
    public async Task InFrontOfAPreforkOdoo_TheQueueMovesFromTheKernelIntoTheProxy()
    {
        await using var odoo = await OdooSimulator.Hosting.OdooSimulatorServer.StartAsync(new OdooSimulator.SimulatorOptions { Workers = 2 });
        var recorder = new RecordingRecorder();
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(odoo.HttpUri, odoo.GeventUri, workers: 2), recorder);
        using var client = TestProxy.Client(proxy);

        var calls = Enumerable.Range(0, 8).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/web/dataset/call_button")
            {
                Content = new StringContent($$$"""{"id":{{{i}}},"jsonrpc":"2.0","method":"call","params":{"args":[[{{{i}}}]],"kwargs":{},"method":"action_confirm","model":"sale.order"}}"""),
            };
            request.Headers.Add("X-Sim-Delay-Ms", "150");
            using var response = await client.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }).ToArray();
        var results = await Task.WhenAll(calls);

        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(results, r => Assert.Contains("\"result\"", r.Item2, StringComparison.Ordinal));
        // Odoo never had more than its two workers busy, and nothing waited in its listen queue beyond them:
        // the waiting happened in the proxy, where it is measured.
        Assert.Equal(2, odoo.MaxInProgress);
        await Wait.UntilAsync(() => recorder.Records.Count == 8);
        Assert.Equal(6, recorder.Records.Count(r => r.Record.QueueWait > TimeSpan.Zero));
        AssertIdle(proxy.Pools);
    }

    private static int Busy(WorkerPools pools) => pools.Workers.Snapshot().Destinations.Sum(d => d.Busy);

    private static void AssertIdle(WorkerPools pools)
    {
        var snapshot = pools.Workers.Snapshot();
        Assert.Equal(0, snapshot.Queued);
        Assert.All(snapshot.Destinations, d => Assert.Equal(0, d.Busy));
    }
}
