namespace OdooLatencyProxy.LoadTest.Results;

/// <summary>One bucket of the latency-over-time chart (by intended send time).</summary>
internal sealed record TimelinePoint(double T, string Operation, long Count, long Failures, double P50, double P99, double Max);
