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
}
