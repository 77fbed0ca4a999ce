namespace OdooLatencyProxy.LoadTest.Results;

/// <summary>Run-wide counts.</summary>
internal sealed record Totals(long Requests, long Failures, double FailureRate, double RatePerSecond, long Late, long Dropped, long MaxInFlight);
