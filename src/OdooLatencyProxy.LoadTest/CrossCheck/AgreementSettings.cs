namespace OdooLatencyProxy.LoadTest.CrossCheck;

/// <summary>
/// How close client-side and proxy-side percentiles must be. Both histograms keep 3 significant digits (each value within
/// 0.1 %); the proxy times a request from its own receive to its last byte sent, the client from writing the request to
/// reading the last byte, so the client adds the loopback round trip, connection handling and its own scheduling: the
/// client's percentile must lie between the proxy's (less the HDR error and the proxy's clock lag) and the proxy's plus
/// that overhead allowance.
/// </summary>
internal sealed record AgreementSettings
{
    /// <summary>Fixed part of the overhead allowance. Default 5 ms (loopback round trip, HTTP parsing, thread hops).</summary>
    public TimeSpan Absolute { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Part of the allowance proportional to the value (GC and scheduling pauses on a busy host). Default 10 %.</summary>
    public double Relative { get; init; } = 0.10;

    /// <summary>
    /// How much longer than the client's the proxy's timing of one request may be. Default 5 ms. The proxy stops its
    /// clock after its last write returns; that write wakes the client, which may run (and stop its own clock) first
    /// while the proxy's thread waits for a CPU or a GC. Measured in one process on this project's 2-core machine: 9 of
    /// 400 requests timed longer by the proxy (at most 0.2 ms), 2.5 ms with the cores busy; CI saw it lift the proxy's
    /// p50 of 19 ui.read requests above the client's.
    /// </summary>
    public TimeSpan ProxyClockLag { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Operations with fewer requests are shown but not judged. Default 10: both sides time the same requests, so even few agree.</summary>
    public long MinCount { get; init; } = 10;

    /// <summary>
    /// Below this many requests only p50 is judged. Default 20: with fewer, p95 is the slowest request, one sample, and
    /// one client-side pause (a new connection, a GC in the client) decides it; from 20 on it is a rank with neighbours.
    /// </summary>
    public long MinCountForP95 { get; init; } = 20;

    /// <summary>How long to wait for the proxy's windows to include every request the client finished. Default 15 s.</summary>
    public TimeSpan SettleDeadline { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Relative precision of one HDR histogram with 3 significant digits.</summary>
    public const double HdrRelativeError = 0.001;

    public string Describe() =>
        $"proxy - {HdrRelativeError * 200:0.#}% - {Durations.Format(ProxyClockLag)} <= client <= proxy + {Durations.Format(Absolute)} + {Relative * 100:0.#}% of proxy + {HdrRelativeError * 200:0.#}% " +
        "(HDR 3 significant digits on each side; the proxy may read its end clock after the woken client; the client also times the loopback round trip and its own HTTP handling, which the proxy, timing from its own receive, does not see)";
}
