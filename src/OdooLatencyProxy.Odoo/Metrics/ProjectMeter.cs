using System.Diagnostics.Metrics;

namespace OdooLatencyProxy.Odoo.Metrics;

/// <summary>The project's one <see cref="Meter"/>, shared by the request path and the database collector.</summary>
public static class ProjectMeter
{
    /// <summary>The meter's name, which exporters select.</summary>
    public const string Name = "OdooLatencyProxy";

    /// <summary>
    /// The meter every project instrument is created on. A factory caches meters by name and version, so the request path
    /// and the collector get the same instance from the same factory (the admin host is given the public host's factory).
    /// </summary>
    public static Meter Create(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        return meterFactory.Create(new MeterOptions(Name) { Version = typeof(ProjectMeter).Assembly.GetName().Version?.ToString() });
    }
}
