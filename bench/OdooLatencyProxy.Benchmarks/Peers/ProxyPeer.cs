using OdooLatencyProxy.Benchmarks.Forwarding;

namespace OdooLatencyProxy.Benchmarks.Peers;

/// <summary>
/// A build of this proxy, run as operators run it (<c>dotnet OdooLatencyProxy.dll</c> with its own runtimeconfig)
/// with its defaults, except <c>--workers</c>: above the clients' concurrency, so admission never queues and the
/// figures are the path's cost, not waiting.
/// </summary>
internal sealed class ProxyPeer(string label, string dll, int workers) : Peer(label)
{
    protected override async Task<(ServerProcess? Server, Uri Url)> LaunchAsync(Uri upstream, UpstreamMode mode, string directory)
    {
        var (port, adminPort) = (SlowClientMemory.FreePort(), SlowClientMemory.FreePort());
        var origin = upstream.GetLeftPart(UriPartial.Authority);
        string[] arguments = [dll, "--listen", $"http://127.0.0.1:{port}", "--admin-listen", $"http://127.0.0.1:{adminPort}",
            "--upstream", origin, "--gevent-upstream", origin, "--workers", workers.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        return (await ServerProcess.StartAsync("dotnet", arguments, port), new Uri($"http://127.0.0.1:{port}"));
    }
}
