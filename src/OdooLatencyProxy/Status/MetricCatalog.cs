using OdooLatencyProxy.Collector;
using OdooLatencyProxy.Odoo.Metrics;
using OdooLatencyProxy.Telemetry;

namespace OdooLatencyProxy.Status;

/// <summary>
/// Every instrument the project emits on the <c>OdooLatencyProxy</c> meter: the rows the request path and the collector
/// create their instruments from, request path first. Served on <c>/api/metrics/catalog</c>; dashboards, alert rules and
/// docs/metrics.md are checked against it. The Prometheus names are the exporter's; the process and runtime metrics of
/// OpenTelemetry.Instrumentation.Process/Runtime are exported beside these and not listed.
/// </summary>
internal sealed class MetricCatalog(ProxyInstruments proxy)
{
    /// <summary>The catalog with the default saturation threshold and the contract's buckets (names do not depend on configuration).</summary>
    public static MetricCatalog Default { get; } = new(ProxyInstruments.Default);

    /// <summary>Every instrument, request path first.</summary>
    public IReadOnlyList<MetricDefinition> All { get; } = [.. proxy.All, .. CollectorInstruments.All];

    /// <summary>Looks up an instrument by its OTel name.</summary>
    public MetricDefinition? Find(string name) => All.FirstOrDefault(m => m.Name == name);
}
