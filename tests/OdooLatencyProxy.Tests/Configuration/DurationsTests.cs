using OdooLatencyProxy.Configuration;

namespace OdooLatencyProxy.Tests.Configuration;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("720s", 720)]
    [InlineData("5m", 300)]
    [InlineData("250ms", 0.25)]
    [InlineData("800us", 0.0008)]
    [InlineData("800µs", 0.0008)]
    [InlineData("1.5s", 1.5)]
    [InlineData("1h", 3600)]
    [InlineData("00:00:30", 30)]
    [InlineData("45", 45)]
    public void TryParse_ReadsDurationsAsPeopleWriteThem(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Durations.TryParse(text));

    [Theory]
    [InlineData("-5s")]
    [InlineData("-00:00:01")]
    [InlineData("soon")]
    [InlineData("5 minutes")]
    [InlineData("")]
    public void TryParse_NegativeOrNotADuration_IsRefused(string text) =>
        Assert.Null(Durations.TryParse(text));
}
