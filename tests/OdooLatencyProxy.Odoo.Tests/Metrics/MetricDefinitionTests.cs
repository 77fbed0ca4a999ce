using System.Diagnostics.Metrics;
using OdooLatencyProxy.Odoo.Metrics;

namespace OdooLatencyProxy.Odoo.Tests.Metrics;

public sealed class MetricDefinitionTests
{
    private static readonly MetricDefinition Duration = new("proxy", "test.request.duration", MetricKind.Histogram, "s", ["op"], "Time per request.")
    {
        Buckets = [0.1, 1, 10],
    };

    [Fact]
    public void CreateHistogram_TakesTheRowsNameUnitDescriptionAndBuckets()
    {
        using var meter = new Meter(nameof(MetricDefinitionTests));

        var histogram = Duration.CreateHistogram(meter);

        Assert.Equal(("test.request.duration", "s", "Time per request."), (histogram.Name, histogram.Unit, histogram.Description));
        Assert.Equal([0.1, 1, 10], histogram.Advice?.HistogramBucketBoundaries);
    }

    [Fact]
    public void CreatingAnInstrumentOfAnotherKind_Throws()
    {
        using var meter = new Meter(nameof(MetricDefinitionTests));
        var gauge = new MetricDefinition("proxy", "test.busy", MetricKind.Gauge, "{worker}", [], "Busy workers.");

        Assert.Throws<InvalidOperationException>(() => gauge.CreateCounter<long>(meter));
        Assert.Throws<InvalidOperationException>(() => gauge.CreateHistogram(meter));
        Assert.Throws<InvalidOperationException>(() => Duration.CreateObservableGauge(meter, () => 1));
        Assert.Throws<InvalidOperationException>(() => Duration.CreateObservableCounter(meter, () => Array.Empty<Measurement<long>>()));
    }

    [Fact]
    public void HistogramWithoutBuckets_Throws_TheExportersDefaultsAreMilliseconds()
    {
        using var meter = new Meter(nameof(MetricDefinitionTests));

        Assert.Throws<InvalidOperationException>(() => (Duration with { Buckets = null }).CreateHistogram(meter));
    }
}
