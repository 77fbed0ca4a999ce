namespace OdooLatencyProxy.LoadTest.Engine;

/// <summary>A finished run: its results and what drove it.</summary>
internal sealed record RunResult(ResultCollector Results, DateTimeOffset StartedAt, TimeSpan Elapsed, RunSettings Settings)
{
    /// <summary>What the run learned or left out (server version, seed, pools), for the report's notes.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
