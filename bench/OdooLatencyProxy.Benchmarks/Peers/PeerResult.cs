namespace OdooLatencyProxy.Benchmarks.Peers;

/// <summary>Everything measured for one peer against one upstream mode.</summary>
internal sealed class PeerResult(string label)
{
    public string Label => label;

    public List<PeerRound> Rounds { get; } = [];

    /// <summary>Resident memory after start, before any request; null for direct.</summary>
    public long? RssStart { get; set; }

    /// <summary>Resident memory after the last round.</summary>
    public long? RssEnd { get; set; }

    /// <summary>Highest resident memory seen during the rounds, sampled every 100 ms (<c>--memory</c>).</summary>
    public long? RssPeak { get; set; }

    /// <summary>Resident memory a minute after the last round, the clients' connections closed (<c>--memory</c>).</summary>
    public long? RssIdle { get; set; }
}
