namespace OdooLatencyProxy.LoadTest.Results;

/// <summary>One threshold on one operation: limit, measured value, verdict.</summary>
internal sealed record ThresholdResult(string Operation, string Expression, double Limit, double? Actual, bool Passed, string? Note);
