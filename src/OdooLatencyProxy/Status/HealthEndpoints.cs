using OdooLatencyProxy.Admission;
using OdooLatencyProxy.Forwarding;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace OdooLatencyProxy.Status;

/// <summary>The admin listener's probes and live admission numbers: <c>/healthz</c>, <c>/readyz</c>, <c>/api/workers</c>, <c>/api/destinations</c>.</summary>
internal static class HealthEndpoints
{
    public static void MapHealthApi(this IEndpointRouteBuilder app, IServiceProvider proxyServices)
    {
        var pools = proxyServices.GetRequiredService<WorkerPools>();
        var state = proxyServices.GetRequiredService<IProxyStateLookup>();

        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", () =>
        {
            // Ready when at least one Odoo HTTP destination is not known to be down.
            var ready = state.TryGetCluster(ProxyTopology.WorkersCluster, out var cluster)
                && cluster.Destinations.Values.Any(d => d.Health.Active != DestinationHealth.Unhealthy && d.Health.Passive != DestinationHealth.Unhealthy);
            return ready ? Results.Text("ready\n") : Results.Text("no healthy Odoo destination\n", statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        app.MapGet("/api/workers", () => Results.Json(pools.Snapshot(), StatusJson.Default.IReadOnlyListWorkerPoolSnapshot));
        app.MapGet("/api/destinations", () => Results.Json(
            state.GetClusters().Select(c => new ClusterDocument(
                c.ClusterId,
                c.Destinations.Values.Select(d => new DestinationHealthDocument(d.DestinationId, d.Health.Active.ToString(), d.Health.Passive.ToString())))),
            StatusJson.Default.IEnumerableClusterDocument));
    }
}
