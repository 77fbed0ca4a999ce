using System.Globalization;
using OdooLatencyProxy.Benchmarks.Forwarding;

namespace OdooLatencyProxy.Benchmarks.Peers;

/// <summary>
/// A build of this proxy, run as operators run it (<c>dotnet OdooLatencyProxy.dll</c> with its own runtimeconfig, or
/// the native AOT executable itself when the path is not a <c>.dll</c>) with its defaults, except <c>--workers</c>:
/// above the clients' concurrency, so admission never queues and the figures are the path's cost, not waiting.
/// </summary>
internal sealed class ProxyPeer(string label, string dll, int workers) : Peer(label)
{
    private static readonly HttpClient s_admin = new() { Timeout = TimeSpan.FromSeconds(10) };
    private Uri? _admin;

    /// <summary>The runtime's own counter on the proxy's <c>/metrics</c>; the scrape itself allocates a few hundred KiB.</summary>
    public override async Task<long?> AllocatedBytesAsync()
    {
        if (_admin is null) return null;
        var metrics = await s_admin.GetStringAsync(new Uri(_admin, "/metrics"));
        var line = metrics.Split('\n').First(l => l.StartsWith("dotnet_gc_heap_total_allocated_bytes_total", StringComparison.Ordinal));
        return (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }

    protected override async Task<(ServerProcess? Server, Uri Url)> LaunchAsync(Uri upstream, UpstreamMode mode, string directory)
    {
        var (port, adminPort) = (SlowClientMemory.FreePort(), SlowClientMemory.FreePort());
        var origin = upstream.GetLeftPart(UriPartial.Authority);
        string[] arguments = ["--listen", $"http://127.0.0.1:{port}", "--admin-listen", $"http://127.0.0.1:{adminPort}",
            "--upstream", origin, "--gevent-upstream", origin, "--workers", workers.ToString(CultureInfo.InvariantCulture)];
        _admin = new Uri($"http://127.0.0.1:{adminPort}");
        var server = dll.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? await ServerProcess.StartAsync("dotnet", [dll, .. arguments], port)
            : await ServerProcess.StartAsync(dll, arguments, port);
        return (server, new Uri($"http://127.0.0.1:{port}"));
    }
}
