using Microsoft.Extensions.DependencyInjection;
using OdooLatencyProxy.Forwarding;
using OdooLatencyProxy.Tests.Infrastructure;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace OdooLatencyProxy.Tests.Admission;

/// <summary>The active health probe takes an Odoo worker like any request, through the real proxy and a real upstream.</summary>
public sealed class HealthProbeAdmissionTests
{
    [Fact]
    public async Task HealthProbes_WhileEveryWorkerIsBusy_NeverReachOdooBeyondTheWorkerLimit_AndLeaveTheHostHealthy()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await TestUpstream.StartAsync(async c => await release.Task.WaitAsync(c.RequestAborted));
        var options = TestProxy.Options(upstream.Uri, workers: 2) with
        {
            HealthCheckInterval = TimeSpan.FromMilliseconds(100),
            HealthCheckTimeout = TimeSpan.FromMilliseconds(400),
            // One failure would mark the host unhealthy: a skipped probe must not count as one.
            HealthCheckFailureThreshold = 1,
        };
        await using var proxy = await TestProxy.StartAsync(options);
        using var client = TestProxy.Client(proxy);
        await Wait.UntilAsync(() => upstream.HealthProbes > 0, what: "a probe while the workers are free");

        var held = new[] { client.GetAsync("/web/dataset/call_kw"), client.GetAsync("/web/dataset/call_kw") };
        await Wait.UntilAsync(() => upstream.InFlight == 2, what: "both workers busy");
        var probesWhileFree = upstream.HealthProbes;
        // Three probing rounds in which the probe waits in the admission queue for a worker, then gives up.
        for (var round = 0; round < 3; round++)
        {
            await Wait.UntilAsync(() => proxy.Pools.Workers.Snapshot().Queued == 1, what: $"probe {round} waiting for a worker");
            await Wait.UntilAsync(() => proxy.Pools.Workers.Snapshot().Queued == 0, what: $"probe {round} skipped");
        }

        Assert.InRange(upstream.HealthProbes - probesWhileFree, 0, 1); // At most one probe that was already on its way.
        Assert.Equal(2, upstream.MaxInFlightWithProbes);
        Assert.NotEqual(DestinationHealth.Unhealthy, Health(proxy));

        release.SetResult();
        foreach (var response in await Task.WhenAll(held)) response.Dispose();
        await Wait.UntilAsync(() => upstream.HealthProbes > probesWhileFree + 1, what: "probes reach Odoo again");
        Assert.Equal(DestinationHealth.Healthy, Health(proxy));
        Assert.Equal(2, upstream.MaxInFlightWithProbes);
    }

    private static DestinationHealth Health(OdooLatencyProxy.Hosting.ProxyHost proxy)
    {
        Assert.True(proxy.Services.GetRequiredService<IProxyStateLookup>().TryGetCluster(ProxyTopology.WorkersCluster, out var cluster));
        return cluster.Destinations.Values.Single().Health.Active;
    }
}
