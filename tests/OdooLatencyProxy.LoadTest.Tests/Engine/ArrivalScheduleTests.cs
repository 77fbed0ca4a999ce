using OdooLatencyProxy.LoadTest.Engine;

namespace OdooLatencyProxy.LoadTest.Tests.Engine;

public sealed class ArrivalScheduleTests
{
    [Fact]
    public void ConstantRate_SendsRateTimesDurationAtEvenIntervals_StartingAtZero()
    {
        var offsets = ArrivalSchedule.Offsets(20, [], TimeSpan.FromSeconds(3)).ToList();
        Assert.Equal(60, offsets.Count);
        Assert.Equal(0, offsets[0]);
        Assert.All(offsets.Zip(offsets.Skip(1)), p => Assert.Equal(0.05, p.Second - p.First, 9));
    }

    [Fact]
    public void RampingRate_SendsTheAreaUnderTheRateCurve()
    {
        // 0 -> 10/s over 10 s (50 arrivals), 10/s for 5 s (50), 10 -> 0 over 10 s (50).
        var stages = new[] { new RateStage(TimeSpan.FromSeconds(10), 10), new RateStage(TimeSpan.FromSeconds(5), 10), new RateStage(TimeSpan.FromSeconds(10), 0) };
        var offsets = ArrivalSchedule.Offsets(0, stages, TimeSpan.FromSeconds(25)).ToList();
        Assert.InRange(offsets.Count, 149, 150);
        Assert.True(offsets.Zip(offsets.Skip(1)).All(p => p.Second > p.First));
        // Arrivals are denser in the middle than at the start of the ramp.
        Assert.InRange(offsets.Count(t => t < 5), 12, 13);
        Assert.InRange(offsets.Count(t => t is >= 10 and < 15), 49, 51);
    }

    [Fact]
    public void DurationLongerThanStages_HoldsTheLastRate()
    {
        var offsets = ArrivalSchedule.Offsets(5, [new RateStage(TimeSpan.FromSeconds(1), 5)], TimeSpan.FromSeconds(4)).ToList();
        Assert.Equal(20, offsets.Count);
    }
}
