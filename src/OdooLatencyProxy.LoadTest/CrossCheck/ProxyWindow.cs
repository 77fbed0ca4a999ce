using System.Text.Json.Serialization;

namespace OdooLatencyProxy.LoadTest.CrossCheck;

/// <summary>One window's figures (seconds).</summary>
internal sealed record ProxyWindow
{
    public long Count { get; init; }

    public double RatePerSecond { get; init; }

    public double FailureRate { get; init; }

    public double? P50 { get; init; }

    public double? P95 { get; init; }

    public double? P99 { get; init; }

    [JsonPropertyName("p999")]
    public double? P999 { get; init; }

    public double? Max { get; init; }
}
