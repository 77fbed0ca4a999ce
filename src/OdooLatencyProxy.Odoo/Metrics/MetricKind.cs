namespace OdooLatencyProxy.Odoo.Metrics;

/// <summary>What kind of instrument a metric is (observable or not): the exporter derives its series names from it.</summary>
public enum MetricKind
{
    /// <summary>Monotonic counter (<see cref="System.Diagnostics.Metrics.Counter{T}"/> or an observable counter).</summary>
    Counter,

    /// <summary>Observable gauge: the latest value at each collection.</summary>
    Gauge,

    /// <summary>Histogram with explicit bucket boundaries (<see cref="MetricDefinition.Buckets"/>).</summary>
    Histogram,
}
