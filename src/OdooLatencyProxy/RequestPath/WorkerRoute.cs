using System.Collections.Frozen;
using OdooLatencyProxy.Forwarding;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace OdooLatencyProxy.RequestPath;

/// <summary>
/// The route of Odoo's HTTP workers, taken before ASP.NET Core's routing: every request the gevent routes do not take
/// goes from Kestrel straight into the request path (<see cref="ProxyPipeline"/>, then <see cref="WorkerForwarder"/>),
/// without the routing, authorization and YARP pipeline steps in between, which did nothing for it but cost time on
/// every request (docs/benchmarks.md, seventh round). It does what those steps did for it: YARP's destinations and their
/// health state as the feature admission reads, the passive health report once the exchange is over, and YARP's
/// forwarder, with the route's transforms, for what <see cref="WorkerForwarder"/> hands on. The gevent routes stay in
/// YARP's pipeline.
/// </summary>
internal sealed partial class WorkerRoute(
    IProxyStateLookup state, ProxyPipeline pipeline, WorkerForwarder workers, IHttpForwarder forwarder, IEnumerable<IPassiveHealthCheckPolicy> passivePolicies,
    ILogger<WorkerRoute> logger)
{
    private readonly FrozenDictionary<string, IPassiveHealthCheckPolicy> _passivePolicies =
        passivePolicies.ToFrozenDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    // The steps after the request path's stages, made once: each reads the route from the request's proxy feature,
    // so no closure is made per request.
    private RequestDelegate? _forward;
    private RequestDelegate? _forwardThroughYarp;

    /// <summary>The middleware: the workers' requests here, the rest on to routing.</summary>
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (ProxyTopology.ForGevent(context.Request.Path) || !state.TryGetRoute(ProxyTopology.WorkersRoute, out var route) || route.Cluster is not { } cluster)
        {
            return next(context);
        }
        var destinations = cluster.DestinationsState;
        var proxy = new ReverseProxyFeature
        {
            Route = route,
            Cluster = cluster.Model,
            AllDestinations = destinations.AllDestinations,
            AvailableDestinations = destinations.AvailableDestinations,
        };
        context.Features.Set<IReverseProxyFeature>(proxy);
        return pipeline.InvokeAsync(context, _forward ??= ForwardAsync);
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var proxy = context.GetReverseProxyFeature();
        var cluster = proxy.Route.Cluster!;
        await workers.InvokeAsync(context, _forwardThroughYarp ??= ForwardThroughYarpAsync);
        // As YARP's passive health step: a destination the request went to learns how it went.
        if (proxy.ProxiedDestination is { } destination && cluster.Model.Config.HealthCheck?.Passive is { Enabled: true } passive
            && _passivePolicies.TryGetValue(passive.Policy ?? HealthCheckConstants.PassivePolicy.TransportFailureRate, out var policy))
        {
            policy.RequestProxied(context, cluster, destination);
        }
    }

    // What WorkerForwarder does not serve (a keep-alive destination, https, an upgrade, ConnectionPerRequest off), as
    // YARP's own last step forwards it; admission has already chosen the one destination (its busy count is the pool's,
    // so YARP's per-destination request counters, read only by its load balancing, are not kept here).
    private async Task ForwardThroughYarpAsync(HttpContext context)
    {
        var proxy = context.GetReverseProxyFeature();
        var (route, cluster) = (proxy.Route, proxy.Route.Cluster!);
        if (proxy.AvailableDestinations is not { Count: > 0 } destinations)
        {
            LogNoDestination(logger, cluster.ClusterId);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        var destination = destinations[0];
        proxy.ProxiedDestination = destination;
        await forwarder.SendAsync(context, destination.Model.Config.Address, cluster.Model.HttpClient,
            cluster.Model.Config.HttpRequest ?? ForwarderRequestConfig.Empty, route.Transformer);
    }

    [LoggerMessage(EventId = 1121, Level = LogLevel.Warning, Message = "No destination available in cluster {Cluster}")]
    private static partial void LogNoDestination(ILogger logger, string cluster);
}
