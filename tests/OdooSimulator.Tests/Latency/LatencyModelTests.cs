using OdooSimulator.Latency;

namespace OdooSimulator.Tests.Latency;

public sealed class LatencyModelTests
{
    [Fact]
    public void Sample_FollowsTheProfilesMedianAndP99()
    {
        var model = new LatencyModel(new SimulatorOptions
        {
            Latency = new Dictionary<string, LatencyProfile> { ["op"] = new(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(100)) },
        });

        var samples = Enumerable.Range(1, 20_000).Select(i => model.Sample("op", new SimRandom(1, i)).TotalMilliseconds).Order().ToArray();

        Assert.InRange(samples[samples.Length / 2], 18, 22);
        Assert.InRange(samples[(int)(samples.Length * 0.99)], 85, 115);
    }

    [Fact]
    public void Sample_IsFixedWhenMedianEqualsP99_AndScaled()
    {
        var model = new LatencyModel(new SimulatorOptions
        {
            LatencyScale = 0.5,
            Latency = new Dictionary<string, LatencyProfile> { [SimOperations.InvoicePost] = LatencyProfile.Fixed(TimeSpan.FromMilliseconds(80)) },
        });

        Assert.Equal(TimeSpan.FromMilliseconds(40), model.Sample(SimOperations.InvoicePost, new SimRandom(1, 1)));
    }

    [Fact]
    public void Sample_OfAnUnknownOperation_UsesOther_AndTheDefaultsCoverEveryNamedOperation()
    {
        var model = new LatencyModel(new SimulatorOptions());

        Assert.True(model.Sample("no.such.operation", new SimRandom(1, 1)) > TimeSpan.Zero);
        foreach (var name in typeof(SimOperations).GetFields().Select(f => (string)f.GetValue(null)!))
        {
            Assert.True(LatencyProfile.Defaults.ContainsKey(name), name);
        }
    }

    [Fact]
    public void SameSeedAndSequence_GiveTheSameDraws() =>
        Assert.Equal(new SimRandom(7, 3).NextDouble(), new SimRandom(7, 3).NextDouble());
}
