namespace OdooLatencyProxy.LoadTest.Thresholds;

/// <summary>Settings of <c>tune</c>: which baseline percentile, how much headroom, and what is too little data.</summary>
internal sealed record TuneSettings
{
    /// <summary>Baseline percentile the threshold grows from. Default p95 (the alert rules' percentile).</summary>
    public string Percentile { get; init; } = "p95";

    /// <summary>Headroom over the baseline: threshold = baseline x margin, rounded up to two significant digits. Default 1.5.</summary>
    public double Margin { get; init; } = 1.5;

    /// <summary>Operations with fewer requests get no proposal: their percentile is noise. Default 20.</summary>
    public long MinCount { get; init; } = 20;

    /// <summary>Smallest threshold proposed, whatever the baseline. Default 0.05 s.</summary>
    public double MinSeconds { get; init; } = 0.05;
}
