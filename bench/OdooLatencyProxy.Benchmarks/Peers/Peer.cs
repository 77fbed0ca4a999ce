namespace OdooLatencyProxy.Benchmarks.Peers;

/// <summary>One thing the clients talk to in front of the upstream: started per upstream mode, stopped after it.</summary>
internal abstract class Peer(string label) : IAsyncDisposable
{
    public string Label => label;

    /// <summary>Where the clients send their requests.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The process whose CPU and memory are measured; null when there is none (direct).</summary>
    public ServerProcess? Server { get; private set; }

    public async Task StartAsync(Uri upstream, UpstreamMode mode, string directory)
    {
        (Server, Url) = await LaunchAsync(upstream, mode, directory);
    }

    /// <summary>Bytes the peer's runtime has allocated since it started; null when it does not say (all but this proxy).</summary>
    public virtual Task<long?> AllocatedBytesAsync() => Task.FromResult<long?>(null);

    public async Task StopAsync()
    {
        if (Server is not null) await Server.DisposeAsync();
        Server = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    protected abstract Task<(ServerProcess? Server, Uri Url)> LaunchAsync(Uri upstream, UpstreamMode mode, string directory);
}
