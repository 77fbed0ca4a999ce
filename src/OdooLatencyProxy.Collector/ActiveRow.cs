namespace OdooLatencyProxy.Collector;

/// <summary>One active backend as the probe read it, before its text is normalised.</summary>
internal readonly record struct ActiveRow(int Pid, string ApplicationName, DateTime QueryStart, double AgeSeconds, string? Query, string? WaitEventType, string? WaitEvent);
