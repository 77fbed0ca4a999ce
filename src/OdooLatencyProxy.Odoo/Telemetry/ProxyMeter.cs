using System.Diagnostics.Metrics;

namespace OdooLatencyProxy.Telemetry;

/// <summary>The identity of the project's one <see cref="Meter"/>, shared by the request path and the collector.</summary>
/// <remarks>
/// Both create their instruments through <see cref="Create"/> on the same <see cref="IMeterFactory"/>, which hands back
/// the one cached Meter for the same name and version; it lives here because the collector library cannot see the proxy.
/// </remarks>
public static class ProxyMeter
{
    /// <summary>The meter's name, <c>OdooLatencyProxy</c>.</summary>
    public const string Name = "OdooLatencyProxy";

    /// <summary>The meter every project instrument is created on; the same instance for the same factory.</summary>
    public static Meter Create(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        return meterFactory.Create(new MeterOptions(Name) { Version = typeof(ProxyMeter).Assembly.GetName().Version?.ToString() });
    }
}
