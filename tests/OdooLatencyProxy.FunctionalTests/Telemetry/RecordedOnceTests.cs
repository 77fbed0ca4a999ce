using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OdooLatencyProxy.Admission;

namespace OdooLatencyProxy.Tests.Telemetry;

/// <summary>Every request lands in odoo.request.duration exactly once, whatever happened to it; realtime never does.</summary>
public sealed class RecordedOnceTests
{
    private const string RpcBody = """{"jsonrpc":"2.0","method":"call","id":3,"params":{"model":"sale.order","method":"web_save","args":[[9],{}],"kwargs":{}}}""";

    [Fact]
    public async Task OkRpcErrorsUpstreamFailuresAndTimeouts_AreEachRecordedOnce_WithTheirOutcome()
    {
        await using var harness = await TelemetryHarness.StartAsync(8, 8, tweak: o => o with { Timeout = TimeSpan.FromSeconds(1) });
        using var durations = new DurationListener(harness);

        for (var i = 0; i < 5; i++) Assert.True((await harness.GetAsync("/odoo")).StatusCode < HttpStatusCode.BadRequest);
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/web/dataset/call_kw/sale.order/web_save", UriKind.Relative))
            {
                Content = new StringContent(RpcBody, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Sim-Fail", "rpc_error");
            using var response = await harness.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        for (var i = 0; i < 2; i++)
        {
            using var reset = await harness.GetAsync("/odoo", configure: r => r.Headers.Add("X-Sim-Fail", "reset"));
            Assert.Equal(HttpStatusCode.BadGateway, reset.StatusCode);
        }
        using (var slow = await harness.GetAsync("/odoo", delayMs: 3000)) Assert.True((int)slow.StatusCode >= 500);

        await Wait.UntilAsync(() => durations.Count >= 11, "11 requests recorded");
        await AssertNoMoreThanAsync(harness, durations, 11);
        var outcomes = durations.Outcomes();
        Assert.Equal(5 + 1, outcomes.GetValueOrDefault("ok")); // + the marker request
        Assert.Equal(3, outcomes.GetValueOrDefault("rpc_error"));
        Assert.Equal(2, outcomes.GetValueOrDefault("upstream_error"));
        Assert.Equal(1, outcomes.GetValueOrDefault("timeout"));
        Assert.All(durations.Tags.Where(t => (string?)t["odoo.outcome"] == "rpc_error"), t => Assert.Equal("UserError", t["odoo.error"]));
        Assert.All(durations.Tags.Where(t => (string?)t["odoo.outcome"] != "rpc_error"), t => Assert.False(t.ContainsKey("odoo.error")));
    }

    [Fact]
    public async Task RejectionsAndClientAborts_AreRecordedOnce_AndRealtimeOnlyAsAConnection()
    {
        await using var harness = await TelemetryHarness.StartAsync(2, 1,
            tweak: o => o with { MaxQueueLength = 1, MaxQueueWait = TimeSpan.FromMilliseconds(500) });
        using var durations = new DurationListener(harness);
        var pool = harness.Proxy.Services.GetRequiredService<WorkerPools>().Workers;

        using var holdAbort = new CancellationTokenSource();
        // Holds the only worker long enough for the queue cases below; abandoned at the end, it is recorded
        // when the simulator (like Odoo) has finished it, since that is when the worker is free again.
        var holding = harness.GetAsync("/odoo", delayMs: 5_000, cancellationToken: holdAbort.Token);
        await Wait.UntilAsync(() => pool.Snapshot().Destinations[0].Busy == 1 && harness.Sim.InProgress == 1, "the only worker is taken");

        var queueTimeout = harness.GetAsync("/odoo");
        await Wait.UntilAsync(() => pool.Snapshot().Queued == 1, "one request queued");
        using (var full = await harness.GetAsync("/odoo")) Assert.Equal(HttpStatusCode.ServiceUnavailable, full.StatusCode);
        using (var timedOut = await queueTimeout) Assert.Equal(HttpStatusCode.ServiceUnavailable, timedOut.StatusCode);

        using var queuedAbort = new CancellationTokenSource();
        var queued = harness.GetAsync("/odoo", cancellationToken: queuedAbort.Token);
        await Wait.UntilAsync(() => pool.Snapshot().Queued == 1, "a request queued again");
        await queuedAbort.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);

        // A websocket session: counted as a realtime connection while open, never as a request duration.
        using (var socket = new ClientWebSocket())
        {
            await socket.ConnectAsync(new Uri($"ws://{harness.Proxy.PublicUri.Authority}/websocket?version=17.0-1"), CancellationToken.None);
            await Wait.UntilAsync(() => harness.Meter.RealtimeConnections == 1, "one realtime connection");
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        }
        await Wait.UntilAsync(() => harness.Meter.RealtimeConnections == 0, "no realtime connection");

        await holdAbort.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => holding);

        await Wait.UntilAsync(() => durations.Count >= 4, "4 requests recorded");
        await AssertNoMoreThanAsync(harness, durations, 4);
        var outcomes = durations.Outcomes();
        Assert.Equal(2, outcomes.GetValueOrDefault("rejected"));
        Assert.Equal(2, outcomes.GetValueOrDefault("client_abort"));
        Assert.DoesNotContain(durations.Tags, t => (string?)t["odoo.operation"] == "realtime");
        Assert.Equal(["queue_full", "queue_timeout"], durations.Rejections.Order());
        Assert.Equal(503, durations.Tags.Where(t => (string?)t["odoo.outcome"] == "rejected").Select(t => (int)t["http.response.status_code"]!).Distinct().Single());
    }

    // Exactly once, not at least once: one more request must add exactly one measurement.
    private static async Task AssertNoMoreThanAsync(TelemetryHarness harness, DurationListener durations, int expected)
    {
        Assert.True(expected == durations.Count, string.Join("\n", durations.Tags.Select(t => string.Join(",", t.Select(p => $"{p.Key}={p.Value}")))));
        Assert.True((await harness.GetAsync("/odoo")).StatusCode < HttpStatusCode.BadRequest);
        await Wait.UntilAsync(() => durations.Count >= expected + 1, "the marker request recorded");
        Assert.Equal(expected + 1, durations.Count);
    }

    /// <summary>Listens to this proxy's odoo.request.duration and odoo.requests.rejected only (other tests' proxies share the meter name).</summary>
    private sealed class DurationListener : IDisposable
    {
        private readonly MeterListener _listener = new();

        public DurationListener(TelemetryHarness harness)
        {
            var meter = harness.Meter.Meter;
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, meter) && instrument.Name is "odoo.request.duration" or "odoo.requests.rejected")
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<double>((_, _, tags, _) => Tags.Enqueue(ToDictionary(tags)));
            _listener.SetMeasurementEventCallback<long>((_, _, tags, _) => Rejections.Enqueue((string)ToDictionary(tags)["reason"]!));
            _listener.Start();
        }

        public ConcurrentQueue<Dictionary<string, object?>> Tags { get; } = new();
        public ConcurrentQueue<string> Rejections { get; } = new();
        public int Count => Tags.Count;

        public Dictionary<string, int> Outcomes() =>
            Tags.GroupBy(t => (string)t["odoo.outcome"]!).ToDictionary(g => g.Key, g => g.Count());

        public void Dispose() => _listener.Dispose();

        private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var result = new Dictionary<string, object?>();
            foreach (var tag in tags) result[tag.Key] = tag.Value;
            return result;
        }
    }
}
