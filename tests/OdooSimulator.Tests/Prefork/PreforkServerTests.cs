using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using OdooLatencyProxy.Testing.Http;
using OdooSimulator.Tests.Support;
using OdooSimulator.Hosting;

namespace OdooSimulator.Tests.Prefork;

public sealed class PreforkServerTests
{
    [Fact]
    public async Task EightConcurrentDelayedRequests_TwoWorkers_NeverMoreThanTwoInProgressAndCompleteInWaves()
    {
        await using var sim = await Sim.StartAsync(new SimulatorOptions { Workers = 2, LatencyScale = 0 });
        const int delayMs = 400;
        var violations = new List<string>();
        using var watching = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            // Sample the simulator's own counters while the requests run: never more than 2 workers busy,
            // and never more accepted than served + 2 (the rest must wait in the kernel listen queue).
            while (!watching.IsCancellationRequested)
            {
                var (inProgress, accepted, served) = (sim.InProgress, sim.Accepted, sim.Served);
                if (inProgress > 2 || accepted > served + 2)
                {
                    lock (violations)
                    {
                        violations.Add($"inProgress={inProgress} accepted={accepted} served={served}");
                    }
                }

                await Task.Delay(1, TestContext.Current.CancellationToken);
            }
        }, TestContext.Current.CancellationToken);

        var clock = Stopwatch.StartNew();
        var requests = Enumerable.Range(0, 8).Select(async _ =>
        {
            var response = await RawHttp.GetAsync(sim.HttpUri, "/web/health", ("X-Sim-Delay-Ms", delayMs.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return (response, done: clock.Elapsed);
        }).ToList();
        var results = await Task.WhenAll(requests);
        await watching.CancelAsync();
        await watcher;

        Assert.Empty(violations);
        Assert.Equal(2, sim.MaxInProgress);
        Assert.All(results, r => Assert.Equal(200, r.response.Status));
        Assert.All(results, r => Assert.True(r.response.ClosedAfterResponse, "each connection is closed after one response"));

        // Waves: of any three consecutive completions two ran on the same worker one after the other, so they
        // are at least one server-enforced delay apart (a lower bound, minus loopback jitter, not a speed claim).
        var done = results.Select(r => r.done).Order().ToArray();
        for (var i = 0; i + 2 < done.Length; i++)
        {
            Assert.True(done[i + 2] - done[i] >= TimeSpan.FromMilliseconds(delayMs * 0.75), $"completions {i} and {i + 2} are {(done[i + 2] - done[i]).TotalMilliseconds} ms apart");
        }
    }

    [Fact]
    public async Task PipelinedSecondRequest_IsNeverAnswered_BecauseEachConnectionServesOneRequest()
    {
        await using var sim = await Sim.StartAsync();
        var two = Encoding.ASCII.GetBytes("GET /web/health HTTP/1.1\r\nHost: x\r\n\r\nGET /web/health HTTP/1.1\r\nHost: x\r\n\r\n");

        using var cts = new CancellationTokenSource(RawHttp.Deadline);
        using var socket = await RawHttp.ConnectAsync(sim.HttpUri, cts.Token);
        await socket.SendAsync(two, SocketFlags.None, cts.Token);
        var first = await RawHttp.ReadResponseAsync(socket, cts.Token);

        Assert.Equal("HTTP/1.0", first.Version);
        Assert.Equal("close", first.Header("Connection"));
        Assert.Equal("{\"status\": \"pass\"}", first.BodyText);
        Assert.True(first.ClosedAfterResponse);
    }

    [Fact]
    public async Task MalformedRequest_Gets400_AndTheOnlyWorkerServesTheNextRequest()
    {
        await using var sim = await Sim.StartAsync(new SimulatorOptions { Workers = 1, LatencyScale = 0 });

        var garbage = await RawHttp.ExchangeAsync(sim.HttpUri, Encoding.ASCII.GetBytes("GARBAGE\r\n\r\n"));
        var badVersion = await RawHttp.ExchangeAsync(sim.HttpUri, Encoding.ASCII.GetBytes("GET / SPDY/9\r\n\r\n"));
        var badLength = await RawHttp.ExchangeAsync(sim.HttpUri, Encoding.ASCII.GetBytes("POST /jsonrpc HTTP/1.1\r\nContent-Length: lots\r\n\r\n"));
        var next = await RawHttp.GetAsync(sim.HttpUri, "/web/health");

        Assert.Equal(400, garbage.Status);
        Assert.StartsWith("Bad request syntax", garbage.Reason, StringComparison.Ordinal);
        Assert.Equal(400, badVersion.Status);
        Assert.Equal(400, badLength.Status);
        Assert.Equal(200, next.Status);
    }

    [Fact]
    public async Task ClientHangsUpMidBody_TheOnlyWorkerSurvivesAndServesTheNextRequest()
    {
        await using var sim = await Sim.StartAsync(new SimulatorOptions { Workers = 1, LatencyScale = 0 });
        using (var cts = new CancellationTokenSource(RawHttp.Deadline))
        using (var socket = await RawHttp.ConnectAsync(sim.HttpUri, cts.Token))
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes("POST /jsonrpc HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"id\": 1"), SocketFlags.None, cts.Token);
            await Wait.UntilAsync(() => sim.InProgress == 1, "the worker holds the half-sent request");
        }

        await Wait.UntilAsync(() => sim.Aborted == 1, "the worker noticed the hang-up");
        var next = await RawHttp.GetAsync(sim.HttpUri, "/web/health");

        Assert.Equal(200, next.Status);
        Assert.Equal(0, await WaitIdle(sim));
    }

    [Fact]
    public async Task ClientSilentLongerThanTheSocketTimeout_IsDroppedWithoutAResponse_LikeOdoosTwoSecondTimeout()
    {
        await using var sim = await Sim.StartAsync(new SimulatorOptions { Workers = 1, LatencyScale = 0, SocketTimeout = TimeSpan.FromMilliseconds(200) });
        using var cts = new CancellationTokenSource(RawHttp.Deadline);
        using var socket = await RawHttp.ConnectAsync(sim.HttpUri, cts.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes("POST /jsonrpc HTTP/1.1\r\nContent-Length: 10\r\n\r\n12345"), SocketFlags.None, cts.Token);

        Assert.True(await RawHttp.ClosesWithoutResponseAsync(socket, cts.Token));
        await Wait.UntilAsync(() => sim.Aborted == 1, "the drop is counted");
        Assert.Equal(200, (await RawHttp.GetAsync(sim.HttpUri, "/web/health")).Status);
    }

    [Theory]
    [InlineData("reset")]
    [InlineData("close")]
    public async Task FailHeaderResetOrClose_DropsTheConnectionWithoutAResponse_LikeAKilledWorker(string mode)
    {
        await using var sim = await Sim.StartAsync();
        using var cts = new CancellationTokenSource(RawHttp.Deadline);
        using var socket = await RawHttp.ConnectAsync(sim.HttpUri, cts.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"POST /web/dataset/call_button HTTP/1.1\r\nX-Sim-Fail: {mode}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{{}}"), SocketFlags.None, cts.Token);

        Assert.True(await RawHttp.ClosesWithoutResponseAsync(socket, cts.Token));
        await Wait.UntilAsync(() => sim.Aborted == 1, "the abort is counted");
        Assert.Equal(0, sim.Served);
    }

    [Fact]
    public async Task Stall_HoldsEveryWorkerBeforeAnswering_UntilItEnds()
    {
        await using var sim = await Sim.StartAsync();
        var stall = sim.Stall(Timeout.InfiniteTimeSpan);
        var first = RawHttp.GetAsync(sim.HttpUri, "/web/health");
        var second = RawHttp.GetAsync(sim.HttpUri, "/web/health");
        var queued = RawHttp.GetAsync(sim.HttpUri, "/web/health");

        await Wait.UntilAsync(() => sim.InProgress == 2, "both workers hold a stalled request");
        Assert.False(first.IsCompleted || second.IsCompleted || queued.IsCompleted);
        Assert.Equal(2, sim.Accepted);

        stall.Dispose();
        var responses = await Task.WhenAll(first, second, queued);

        Assert.All(responses, r => Assert.Equal(200, r.Status));
        Assert.Equal(3, sim.Served);
    }

    [Fact]
    public async Task TimedStall_EndsByItself()
    {
        await using var sim = await Sim.StartAsync();
        using var stall = sim.Stall(TimeSpan.FromMilliseconds(200));

        var response = await RawHttp.GetAsync(sim.HttpUri, "/web/health");

        Assert.Equal(200, response.Status);
    }

    [Fact]
    public async Task BodyOverTheLimit_Gets413()
    {
        await using var sim = await Sim.StartAsync(new SimulatorOptions { Workers = 1, LatencyScale = 0, MaxRequestBodyBytes = 1024 });

        var response = await RawHttp.ExchangeAsync(sim.HttpUri, Encoding.ASCII.GetBytes("POST /jsonrpc HTTP/1.1\r\nContent-Length: 5000\r\n\r\n"));

        Assert.Equal(413, response.Status);
    }

    [Fact]
    public async Task ResetStats_ZeroesCounters()
    {
        await using var sim = await Sim.StartAsync();
        await RawHttp.GetAsync(sim.HttpUri, "/web/health");
        await WaitIdle(sim);

        sim.ResetStats();

        Assert.Equal(0, sim.Served);
        Assert.Equal(0, sim.Accepted);
        Assert.Equal(0, sim.MaxInProgress);
        Assert.Empty(sim.OperationCounts());
    }

    [Fact]
    public void InvalidOptions_AreRejectedNamingTheSetting()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new SimulatorOptions { Workers = 0 }.Validate());
        Assert.Equal("Workers", ex.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimulatorOptions { ErrorRates = new Dictionary<string, double> { ["ui.read"] = 2 } }.Validate());
        Assert.Equal(32, new SimulatorOptions { Workers = 4 }.EffectiveBacklog);
    }

    private static async Task<int> WaitIdle(OdooSimulatorServer sim)
    {
        await Wait.UntilAsync(() => sim.InProgress == 0, "every worker is idle");
        return sim.InProgress;
    }
}
