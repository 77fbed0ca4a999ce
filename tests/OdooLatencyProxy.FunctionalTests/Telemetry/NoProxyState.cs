using System.Diagnostics.CodeAnalysis;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace OdooLatencyProxy.Tests.Telemetry;

/// <summary>A YARP state with no routes or clusters, for creating instruments that read it without a running proxy.</summary>
internal sealed class NoProxyState : IProxyStateLookup
{
    public IEnumerable<RouteModel> GetRoutes() => [];

    public bool TryGetRoute(string id, [NotNullWhen(true)] out RouteModel? route)
    {
        route = null;
        return false;
    }

    public IEnumerable<ClusterState> GetClusters() => [];

    public bool TryGetCluster(string id, [NotNullWhen(true)] out ClusterState? cluster)
    {
        cluster = null;
        return false;
    }
}
