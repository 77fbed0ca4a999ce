using System.Net;
using OdooLatencyProxy.Admission;
using OdooLatencyProxy.Configuration;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;

namespace OdooLatencyProxy.Forwarding;

/// <summary>The YARP routes and clusters for Odoo: HTTP workers, and the gevent port for websockets, as in Odoo's nginx example.</summary>
public sealed class ProxyTopology
{
    /// <summary>Cluster of Odoo HTTP workers (port 8069): admission-limited and buffered.</summary>
    public const string WorkersCluster = "odoo";

    /// <summary>Cluster of Odoo's gevent port (8072): websockets and long polling, never counted against workers.</summary>
    public const string GeventCluster = "odoo-gevent";

    /// <summary>The route of Odoo's HTTP workers: every path the gevent routes do not take (<see cref="ForGevent"/>).</summary>
    public const string WorkersRoute = "odoo";

    /// <summary>
    /// Whether a request path takes a gevent route (<c>/websocket</c>, <c>/longpolling/...</c>), as ASP.NET Core's
    /// routing matches the two route patterns below: case-insensitive, a trailing slash allowed. Everything else is the
    /// workers', served before routing (the request path's <c>WorkerRoute</c>).
    /// </summary>
    public static bool ForGevent(PathString path) =>
        path.StartsWithSegments("/longpolling", StringComparison.OrdinalIgnoreCase)
        || (path.StartsWithSegments("/websocket", StringComparison.OrdinalIgnoreCase, out var rest) && (!rest.HasValue || rest.Value == "/"));

    /// <summary>Builds routes and clusters from validated options.</summary>
    public ProxyTopology(ProxyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        WorkersPool = new WorkerPoolDefinition(WorkersCluster, options.Upstreams.ToDictionary(d => d.Id, options.WorkerLimit), options.MaxQueueLength, options.MaxQueueWait);

        Routes =
        [
            new RouteConfig { RouteId = "realtime-websocket", ClusterId = GeventCluster, Order = 0, Match = new RouteMatch { Path = "/websocket" } },
            new RouteConfig { RouteId = "realtime-longpolling", ClusterId = GeventCluster, Order = 0, Match = new RouteMatch { Path = "/longpolling/{**rest}" } },
            new RouteConfig { RouteId = WorkersRoute, ClusterId = WorkersCluster, Order = 1, Match = new RouteMatch { Path = "{**catch-all}" } },
        ];
        Clusters =
        [
            Cluster(WorkersCluster, options.Upstreams, options.Timeout, options, activeHealth: true),
            // The websocket's idle life is the activity timeout of its cluster: never YARP's 100 s default.
            Cluster(GeventCluster, options.GeventUpstreams, options.EffectiveWebSocketIdleTimeout, options, activeHealth: false),
        ];
    }

    /// <summary>The admission pool of the HTTP worker destinations (the worker limit per destination id, the queue's bounds).</summary>
    public WorkerPoolDefinition WorkersPool { get; }

    /// <summary>YARP routes.</summary>
    public IReadOnlyList<RouteConfig> Routes { get; }

    /// <summary>YARP clusters.</summary>
    public IReadOnlyList<ClusterConfig> Clusters { get; }

    private static ClusterConfig Cluster(string id, IReadOnlyList<UpstreamDestination> destinations, TimeSpan activityTimeout, ProxyOptions options, bool activeHealth) => new()
    {
        ClusterId = id,
        LoadBalancingPolicy = Yarp.ReverseProxy.LoadBalancing.LoadBalancingPolicies.LeastRequests,
        Destinations = destinations.ToDictionary(d => d.Id, d => new DestinationConfig { Address = d.Address.ToString() }),
        HttpRequest = new ForwarderRequestConfig
        {
            ActivityTimeout = activityTimeout,
            // Odoo speaks HTTP/1.x only.
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            AllowResponseBuffering = false,
        },
        HealthCheck = new HealthCheckConfig
        {
            // With every destination down, still try them (502 like nginx) rather than answer 503 "no destination".
            AvailableDestinationsPolicy = HealthCheckConstants.AvailableDestinations.HealthyOrPanic,
            Active = activeHealth
                ? new ActiveHealthCheckConfig
                {
                    Enabled = true,
                    Interval = options.HealthCheckInterval,
                    Timeout = options.HealthCheckTimeout,
                    Policy = BusyAwareFailuresPolicy.PolicyName,
                    Path = Odoo.OdooWire.HealthPath,
                }
                : null,
            Passive = new PassiveHealthCheckConfig
            {
                Enabled = true,
                Policy = HealthCheckConstants.PassivePolicy.TransportFailureRate,
                ReactivationPeriod = options.HealthCheckInterval,
            },
        },
    };
}
