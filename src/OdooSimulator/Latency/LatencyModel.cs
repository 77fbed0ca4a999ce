namespace OdooSimulator.Latency;

/// <summary>Samples a service time per operation from its profile, scaled by <see cref="SimulatorOptions.LatencyScale"/>.</summary>
internal sealed class LatencyModel
{
    // z of the 99th percentile of the standard normal.
    private const double Z99 = 2.3263478740408408;

    private readonly Dictionary<string, LatencyProfile> _profiles;
    private readonly double _scale;

    public LatencyModel(SimulatorOptions options)
    {
        _profiles = new Dictionary<string, LatencyProfile>(LatencyProfile.Defaults, StringComparer.Ordinal);
        foreach (var (operation, profile) in options.Latency)
        {
            _profiles[operation] = profile;
        }

        _scale = options.LatencyScale;
    }

    public TimeSpan Sample(string operation, SimRandom random)
    {
        if (!_profiles.TryGetValue(operation, out var profile))
        {
            profile = _profiles[SimOperations.Other];
        }

        var median = profile.Median.TotalMilliseconds;
        var p99 = profile.P99.TotalMilliseconds;
        double ms;
        if (median <= 0 || p99 <= median)
        {
            ms = median;
        }
        else
        {
            // Log-normal through (median, p99); tails capped at 10 x p99 so one draw cannot hang a test run.
            var sigma = Math.Log(p99 / median) / Z99;
            ms = Math.Min(median * Math.Exp(sigma * random.NextGaussian()), 10 * p99);
        }

        return TimeSpan.FromMilliseconds(ms * _scale);
    }
}
