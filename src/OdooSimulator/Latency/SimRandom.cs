namespace OdooSimulator.Latency;

/// <summary>
/// SplitMix64 seeded from (seed, connection number): every request gets its own reproducible draws,
/// whatever the interleaving of workers. Not for anything security related.
/// </summary>
internal sealed class SimRandom(int seed, long sequence)
{
    private ulong _state = unchecked(((ulong)(uint)seed << 32) ^ ((ulong)sequence * 0x9E3779B97F4A7C15UL));

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Standard normal (Box-Muller).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
