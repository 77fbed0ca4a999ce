namespace OdooLatencyProxy.LoadTest.Engine;

/// <summary>One finished request as kept for charts and windowed cross-checks (times in microseconds from the run's start).</summary>
internal readonly record struct Sample(int Operation, long IntendedUs, long LatencyUs, long ServiceUs, bool Failed);
