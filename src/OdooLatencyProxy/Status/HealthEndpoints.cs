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
        app.MapGet("/api/workers", () => StatusJson.Result(pools.Snapshot()));
        app.MapGet("/api/destinations", () => StatusJson.Result(state.GetClusters().Select(c => new
        {
            cluster = c.ClusterId,
            destinations = c.Destinations.Values.Select(d => new
            {
                id = d.DestinationId,
                active = d.Health.Active.ToString(),
                passive = d.Health.Passive.ToString(),
            }),
        })));
    }
}
