namespace OdooLatencyProxy.Benchmarks.Peers;

/// <summary>One round of one peer: the fixed-rate run and the peak run, each with the peer's CPU per request.</summary>
/// <param name="RateCpu">CPU microseconds of the peer's processes per answered request in the fixed-rate run; null for direct.</param>
/// <param name="PeakCpu">The same for the peak run.</param>
internal sealed record PeerRound(LoadReport Rate, double? RateCpu, LoadReport Peak, double? PeakCpu)
{
    /// <summary>Bytes the proxy allocated per request in the fixed-rate run (<c>--memory</c>); null for other peers.</summary>
    public double? RateAllocated { get; init; }

    /// <summary>The same for the peak run.</summary>
    public double? PeakAllocated { get; init; }
}
