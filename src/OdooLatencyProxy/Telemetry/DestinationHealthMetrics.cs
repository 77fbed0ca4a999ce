using System.Diagnostics.Metrics;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace OdooLatencyProxy.Telemetry;

/// <summary>
/// Publishes YARP's view of every Odoo destination (<c>odoo.destination.healthy</c>): 1 while it is in rotation,
/// 0 once its active (/web/health) or passive (transport failures) check has taken it out. The alert
/// OdooDestinationUnhealthy reads it; /readyz and /api/destinations show the same state.
/// </summary>
internal static class DestinationHealthMetrics
{
    /// <summary>Creates the gauge on the project's meter, read from YARP's live state at each collection.</summary>
    public static void Register(OdooMeter meter, IProxyStateLookup state) =>
        meter.Instruments.DestinationHealthy.CreateObservableGauge(meter.Meter, () => Measure(state));

    private static IEnumerable<Measurement<int>> Measure(IProxyStateLookup state)
    {
        foreach (var cluster in state.GetClusters())
        {
            foreach (var destination in cluster.Destinations.Values)
            {
                var healthy = destination.Health.Active != DestinationHealth.Unhealthy && destination.Health.Passive != DestinationHealth.Unhealthy;
                yield return new Measurement<int>(healthy ? 1 : 0,
                    new KeyValuePair<string, object?>("odoo.destination", destination.DestinationId),
                    new KeyValuePair<string, object?>("odoo.pool", cluster.ClusterId));
            }
        }
    }
}
