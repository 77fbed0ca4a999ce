namespace OdooLatencyProxy.LoadTest.Scenarios;

/// <summary>One stage of a ramping arrival rate.</summary>
internal sealed record StageSpec
{
    /// <summary>How long the stage lasts, e.g. <c>30s</c>.</summary>
    public string Duration { get; init; } = "0s";

    /// <summary>Arrivals per second reached at the end of the stage.</summary>
    public double Target { get; init; }
}
