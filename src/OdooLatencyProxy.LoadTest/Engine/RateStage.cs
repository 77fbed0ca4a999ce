namespace OdooLatencyProxy.LoadTest.Engine;

/// <summary>One stage of a ramping arrival rate: the rate moves linearly to <paramref name="Target"/> over <paramref name="Duration"/>.</summary>
internal sealed record RateStage(TimeSpan Duration, double Target);
