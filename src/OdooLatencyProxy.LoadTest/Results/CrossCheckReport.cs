namespace OdooLatencyProxy.LoadTest.Results;

/// <summary>The cross-check section of a report.</summary>
internal sealed record CrossCheckReport
{
    public required string Admin { get; init; }

    public string? Window { get; init; }

    /// <summary>True when every judged operation agreed; false when one did not; null when nothing could be judged.</summary>
    public bool? Agreed { get; init; }

    public required string Rule { get; init; }

    public string? Error { get; init; }

    public IReadOnlyList<CrossCheckRow> Operations { get; init; } = [];

    public string Summary => Error is not null
        ? $"Cross-check with the proxy at {Admin}: not done ({Error})."
        : Agreed switch
        {
            true => $"Client-side and proxy-side p50/p95 agree within measurement error for all {Operations.Count(o => o.Agrees is not null)} judged operations (proxy window {Window}).",
            false => $"Client-side and proxy-side percentiles DISAGREE beyond measurement error for {string.Join(", ", Operations.Where(o => o.Agrees == false).Select(o => o.Note is null ? o.Operation : $"{o.Operation} ({o.Note})"))} (proxy window {Window}).",
            null => $"Cross-check with the proxy at {Admin}: no operation had enough requests on both sides to judge.",
        };
}
