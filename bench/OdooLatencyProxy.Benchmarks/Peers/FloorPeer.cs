using OdooLatencyProxy.Benchmarks.Forwarding;

namespace OdooLatencyProxy.Benchmarks.Peers;

/// <summary>A reference server of <see cref="FloorServer"/>, run as a process of its own (this benchmark's executable).</summary>
internal sealed class FloorPeer(string kind) : Peer("floor-" + kind)
{
    protected override async Task<(ServerProcess? Server, Uri Url)> LaunchAsync(Uri upstream, UpstreamMode mode, string directory)
    {
        var port = SlowClientMemory.FreePort();
        var server = await ServerProcess.StartAsync("dotnet",
            [typeof(FloorServer).Assembly.Location, "floor", kind, port.ToString(System.Globalization.CultureInfo.InvariantCulture), upstream.GetLeftPart(UriPartial.Authority)], port);
        return (server, new Uri($"http://127.0.0.1:{port}"));
    }
}
