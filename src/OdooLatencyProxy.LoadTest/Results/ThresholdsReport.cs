namespace OdooLatencyProxy.LoadTest.Results;

/// <summary>The verdict of every threshold of a run.</summary>
internal sealed record ThresholdsReport(bool Passed, IReadOnlyList<ThresholdResult> Results);
