using System.Diagnostics.Metrics;

namespace OdooLatencyProxy.Odoo.Metrics;

/// <summary>One instrument, declared once: the row both creates the instrument and is what the metric catalog lists.</summary>
/// <param name="Source">Who owns the instrument (<c>proxy</c>, <c>collector</c>).</param>
/// <param name="Name">OpenTelemetry name (dotted); the exporter makes its Prometheus name of it.</param>
/// <param name="Kind">Counter, gauge or histogram.</param>
/// <param name="Unit">UCUM unit (<c>s</c>, <c>{request}</c>), or null for a plain number such as a 0/1 state.</param>
/// <param name="Attributes">Every attribute a measurement can carry.</param>
/// <param name="Description">What one measurement means (the exporter's HELP text).</param>
public sealed record MetricDefinition(string Source, string Name, MetricKind Kind, string? Unit, IReadOnlyList<string> Attributes, string Description)
{
    /// <summary>Histogram bucket boundaries (s), given to the SDK as <see cref="InstrumentAdvice{T}"/>; null for other kinds.</summary>
    public IReadOnlyList<double>? Buckets { get; init; }

    /// <summary>Creates the counter this row declares.</summary>
    public Counter<T> CreateCounter<T>(Meter meter) where T : struct
    {
        ArgumentNullException.ThrowIfNull(meter);
        Expect(MetricKind.Counter);
        return meter.CreateCounter<T>(Name, Unit, Description);
    }

    /// <summary>Creates the histogram this row declares, with its bucket boundaries.</summary>
    public Histogram<double> CreateHistogram(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        Expect(MetricKind.Histogram);
        // The exporter's default buckets are in milliseconds whatever the unit: a histogram without boundaries is a bug.
        var buckets = Buckets ?? throw new InvalidOperationException($"{Name}: a histogram needs bucket boundaries");
        return meter.CreateHistogram(Name, Unit, Description, tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = buckets });
    }

    /// <summary>Creates the observable counter this row declares, read through <paramref name="observe"/> at each collection.</summary>
    public ObservableCounter<T> CreateObservableCounter<T>(Meter meter, Func<IEnumerable<Measurement<T>>> observe) where T : struct
    {
        ArgumentNullException.ThrowIfNull(meter);
        Expect(MetricKind.Counter);
        return meter.CreateObservableCounter(Name, observe, Unit, Description);
    }

    /// <summary>Creates the observable gauge this row declares, read through <paramref name="observe"/> at each collection.</summary>
    public ObservableGauge<T> CreateObservableGauge<T>(Meter meter, Func<IEnumerable<Measurement<T>>> observe) where T : struct
    {
        ArgumentNullException.ThrowIfNull(meter);
        Expect(MetricKind.Gauge);
        return meter.CreateObservableGauge(Name, observe, Unit, Description);
    }

    /// <summary>Creates the observable gauge this row declares, one value without attributes.</summary>
    public ObservableGauge<T> CreateObservableGauge<T>(Meter meter, Func<T> observe) where T : struct
    {
        ArgumentNullException.ThrowIfNull(meter);
        Expect(MetricKind.Gauge);
        return meter.CreateObservableGauge(Name, observe, Unit, Description);
    }

    private void Expect(MetricKind kind)
    {
        if (Kind != kind) throw new InvalidOperationException($"{Name} is declared a {Kind}, not a {kind}");
    }
}
