using OdooLatencyProxy.LoadTest.Scenarios;
using OdooLatencyProxy.LoadTest.Thresholds;

namespace OdooLatencyProxy.LoadTest.Tests;

/// <summary>The harness reads durations with the proxy's parser: what a proxy flag accepts, a scenario or threshold accepts.</summary>
public sealed class DurationsTests
{
    [Theory]
    [InlineData("00:00:30", 30)]
    [InlineData("800us", 0.0008)]
    [InlineData("800µs", 0.0008)]
    [InlineData("2m", 120)]
    public void Parse_ReadsWhatTheProxyFlagsRead(string text, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Durations.Parse(text, "--duration"));
        Assert.Equal(Configuration.Durations.TryParse(text), Durations.TryParse(text));
    }

    [Fact]
    public void Parse_NegativeDuration_IsRefusedNamingTheSetting()
    {
        var error = Assert.Throws<FormatException>(() => Durations.Parse("-5s", "--duration"));

        Assert.StartsWith("--duration: '-5s' is not a duration", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ThinkTimeAndThresholds_TakeClockForm()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), ThinkTime.Parse("00:00:01", ThinkTime.None).Min);
        Assert.Equal(0.5, Threshold.Parse("ui.read", "p95 < 00:00:00.5").Limit);
    }
}
