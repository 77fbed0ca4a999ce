using System.Net;
using OdooLatencyProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace OdooLatencyProxy.Forwarding;

/// <summary>
/// Builds the active health probe of a destination like YARP does, and marks it as a probe of that destination so
/// <see cref="AdmittedProbeHandler"/> takes an Odoo worker for it: a probe occupies a prefork worker like any request.
/// </summary>
internal sealed class ProbeRequestFactory(ProxyOptions options) : IProbingRequestFactory
{
    // YARP hands over the destination's configuration, not its id: the topology made each address from one upstream.
    private readonly Dictionary<string, string> _idByAddress = options.Upstreams
        .GroupBy(d => d.Address.ToString(), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Id, StringComparer.Ordinal);

    public HttpRequestMessage CreateRequest(ClusterModel cluster, DestinationModel destination)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(destination);
        var address = new Uri(string.IsNullOrEmpty(destination.Config.Health) ? destination.Config.Address : destination.Config.Health);
        var active = cluster.Config.HealthCheck?.Active;
        var path = address.AbsolutePath.TrimEnd('/') + (active?.Path ?? "/");
        var request = new ProbeRequest(new UriBuilder(address) { Path = path, Query = active?.Query ?? "" }.Uri, _idByAddress.GetValueOrDefault(destination.Config.Address))
        {
            Version = cluster.Config.HttpRequest?.Version ?? HttpVersion.Version11,
            VersionPolicy = cluster.Config.HttpRequest?.VersionPolicy ?? HttpVersionPolicy.RequestVersionOrLower,
        };
        if (!string.IsNullOrEmpty(destination.Config.Host)) request.Headers.Host = destination.Config.Host;
        request.Headers.UserAgent.ParseAdd("OdooLatencyProxy-health-probe");
        return request;
    }
}
