namespace OdooLatencyProxy.LoadTest.Results;

/// <summary>One operation's figures.</summary>
internal sealed record OperationReport
{
    public required string Operation { get; init; }

    public long Count { get; init; }

    public long Failures { get; init; }

    public double FailureRate { get; init; }

    public double RatePerSecond { get; init; }

    public IReadOnlyDictionary<string, long> Outcomes { get; init; } = new Dictionary<string, long>();

    /// <summary>From the intended send time: what a user waiting since then saw (includes any wait before the send).</summary>
    public required Percentiles Latency { get; init; }

    /// <summary>From the actual send: what the server (and the proxy) saw.</summary>
    public required Percentiles ServiceTime { get; init; }

    /// <summary>Latency percentile distribution for charts: (percentile, seconds).</summary>
    public IReadOnlyList<double[]> Distribution { get; init; } = [];
}
