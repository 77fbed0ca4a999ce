namespace OdooLatencyProxy.LoadTest.Scenarios;

/// <summary>Load model defaults of a scenario.</summary>
internal sealed record LoadSpec
{
    /// <summary><c>open</c> (arrival rate) or <c>closed</c> (users with think time). Default open.</summary>
    public string Model { get; init; } = "open";

    /// <summary>Open model: constant arrivals per second.</summary>
    public double? Rate { get; init; }

    /// <summary>Open model: ramping arrival rate, k6 style: the rate moves linearly to each stage's target over its duration.</summary>
    public List<StageSpec>? Stages { get; init; }

    /// <summary>Open model: rate at the start of the first stage. Default 0.</summary>
    public double StartRate { get; init; }

    /// <summary>Closed model: concurrent users.</summary>
    public int? Users { get; init; }

    /// <summary>Closed model: pause between a user's steps, <c>2s</c> or a range <c>1s-3s</c>. Default 1s.</summary>
    public string? ThinkTime { get; init; }

    /// <summary>Run length, e.g. <c>60s</c>. Default 60s (or the sum of the stages).</summary>
    public string? Duration { get; init; }
}
