namespace OdooLatencyProxy.LoadTest.Results;

/// <summary>report.json: everything a run measured, latencies in seconds.</summary>
internal sealed record RunReport
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public string Tool { get; init; } = "OdooLatencyProxy.LoadTest";

    public required string Scenario { get; init; }

    public string? ScenarioFile { get; init; }

    public required string Target { get; init; }

    /// <summary>What the target was: "simulator behind the proxy (in-process)" or the URL given.</summary>
    public string? TargetDescription { get; init; }

    public required string Model { get; init; }

    public required string Load { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public double DurationSeconds { get; init; }

    public required Totals Totals { get; init; }

    public required IReadOnlyList<OperationReport> Operations { get; init; }

    public double TimelineBucketSeconds { get; init; }

    public IReadOnlyList<TimelinePoint> Timeline { get; init; } = [];

    public CrossCheckReport? CrossCheck { get; set; }

    public ThresholdsReport? Thresholds { get; set; }

    public List<string> Notes { get; init; } = [];
}
