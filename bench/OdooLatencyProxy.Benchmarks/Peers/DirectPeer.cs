namespace OdooLatencyProxy.Benchmarks.Peers;

/// <summary>No proxy: the clients talk to the upstream itself, the floor every peer is compared with.</summary>
internal sealed class DirectPeer() : Peer("direct")
{
    protected override Task<(ServerProcess? Server, Uri Url)> LaunchAsync(Uri upstream, UpstreamMode mode, string directory) =>
        Task.FromResult<(ServerProcess?, Uri)>((null, upstream));
}
