using Microsoft.Extensions.Time.Testing;
using OdooLatencyProxy.Telemetry;
using OdooLatencyProxy.Configuration;

namespace OdooLatencyProxy.Tests.Telemetry;

public sealed class WorkerSaturationTests
{
    [Fact]
    public void SaturatedShare_IsTheExactTimeAtOrAboveNinetyPercent_OverTheSpanCovered()
    {
        var time = new FakeTimeProvider();
        var saturation = new WorkerSaturation(time, new TelemetryOptions());
        saturation.BusyChanged("odoo", "odoo:8069", 0, 10);
        time.Advance(TimeSpan.FromSeconds(10));
        saturation.BusyChanged("odoo", "odoo:8069", 9, 10); // 90 %: saturated
        time.Advance(TimeSpan.FromSeconds(15));
        saturation.BusyChanged("odoo", "odoo:8069", 8, 10); // 80 %: not
        time.Advance(TimeSpan.FromSeconds(5));

        // 30 s old: both windows cover 0..30 s, of which 15 s saturated.
        var young = saturation.Destinations().Single();
        Assert.Equal(0.5, young.SaturatedShare[0], 9);
        Assert.Equal(0.5, young.SaturatedShare[1], 9);
        Assert.Equal(15, young.SaturatedSeconds, 9);

        time.Advance(TimeSpan.FromSeconds(20));
        saturation.BusyChanged("odoo", "odoo:8069", 10, 10);
        time.Advance(TimeSpan.FromSeconds(40.5));
        // 90.5 s: the 1 m window is seconds 31..90 plus half of second 90 (59.5 s), saturated from 50 s on (40.5 s).
        var later = saturation.Destinations().Single();
        Assert.Equal(40.5 / 59.5, later.SaturatedShare[0], 9);
        Assert.Equal((15 + 40.5) / 90.5, later.SaturatedShare[1], 9);
        Assert.Equal(55.5, later.SaturatedSeconds, 9);
    }

    [Fact]
    public void BriefSpikesBetweenSamples_AreCounted_AndAnUnlimitedDestinationIsNeverSaturated()
    {
        var time = new FakeTimeProvider();
        var saturation = new WorkerSaturation(time, new TelemetryOptions());
        saturation.BusyChanged("odoo", "a:8069", 0, 4);
        saturation.BusyChanged("odoo", "b:8069", 0, 0);
        for (var i = 0; i < 100; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(90));
            saturation.BusyChanged("odoo", "a:8069", 4, 4);
            saturation.BusyChanged("odoo", "b:8069", 50, 0);
            time.Advance(TimeSpan.FromMilliseconds(10)); // 10 ms at full occupancy every 100 ms: a scrape would miss most
            saturation.BusyChanged("odoo", "a:8069", 3, 4);
            saturation.BusyChanged("odoo", "b:8069", 0, 0);
        }

        var destinations = saturation.Destinations();
        Assert.Equal(0.1, destinations.Single(d => d.Destination == "a:8069").SaturatedShare[0], 9);
        Assert.Equal(1.0, destinations.Single(d => d.Destination == "a:8069").SaturatedSeconds, 9);
        Assert.Equal(0, destinations.Single(d => d.Destination == "b:8069").SaturatedShare[1]);
    }

    [Fact]
    public void BusyHistory_IsTheTimeWeightedMeanPerSecond_AndQueueHistoryThePeak()
    {
        var time = new FakeTimeProvider();
        var saturation = new WorkerSaturation(time, new TelemetryOptions());
        saturation.BusyChanged("odoo", "odoo:8069", 2, 4);
        saturation.QueueChanged("odoo", 0);
        time.Advance(TimeSpan.FromMilliseconds(250));
        saturation.BusyChanged("odoo", "odoo:8069", 4, 4);
        saturation.QueueChanged("odoo", 7);
        saturation.QueueChanged("odoo", 1);
        time.Advance(TimeSpan.FromMilliseconds(750));
        time.Advance(TimeSpan.FromSeconds(1));

        var history = saturation.Destinations(withHistory: true).Single().BusyHistory!;
        Assert.Equal(WorkerSaturation.HistorySeconds, history.Length);
        // Now is 2.0 s: the last entry is second 2 (just begun), then second 1, then second 0.
        Assert.Equal(2 * 0.25 + 4 * 0.75, history[^3], 9);
        Assert.Equal(4, history[^2], 9);
        var queue = saturation.QueueHistory()["odoo"];
        Assert.Equal(7, queue[^3]);
        Assert.Equal(1, queue[^2]);
    }
}
