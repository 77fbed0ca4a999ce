namespace OdooLatencyProxy.Telemetry;

/// <summary>
/// One destination's saturation: shares per window (order of <see cref="LatencyWindows.Windows"/>), total saturated
/// seconds, and optional per-second mean busy, oldest first. Its live busy count and limit are the pool's.
/// </summary>
internal sealed record DestinationSaturation(string Pool, string Destination, double[] SaturatedShare, double SaturatedSeconds, double[]? BusyHistory);
