using OdooLatencyProxy.Benchmarks.Forwarding;

namespace OdooLatencyProxy.Benchmarks.Peers;

/// <summary>
/// HAProxy with one thread in <c>mode http</c>: X-Forwarded-* headers, the whole request body read before it is
/// forwarded (<c>option http-buffer-request</c>, its nearest to request buffering), 720 s timeouts. It keeps
/// upstream connections when the upstream allows (<c>http-reuse safe</c>, its default).
/// </summary>
internal sealed class HaproxyPeer() : Peer("haproxy")
{
    protected override async Task<(ServerProcess? Server, Uri Url)> LaunchAsync(Uri upstream, UpstreamMode mode, string directory)
    {
        var port = SlowClientMemory.FreePort();
        var config = Path.Combine(directory, "haproxy.cfg");
        await File.WriteAllTextAsync(config, $"""
            global
                nbthread 1
                maxconn 4096
            defaults
                mode http
                timeout connect 720s
                timeout client 720s
                timeout server 720s
                option forwardfor
                option http-buffer-request
            frontend odoo_front
                bind 127.0.0.1:{port}
                http-request set-header X-Forwarded-Proto http
                http-request set-header X-Forwarded-Host %[req.hdr(host)]
                http-request set-header X-Real-IP %[src]
                default_backend odoo
            backend odoo
                server odoo {upstream.Authority}

            """);
        // -db: foreground, no daemon, so the process is ours to measure and stop.
        return (await ServerProcess.StartAsync(Tools.Haproxy, ["-f", config, "-db"], port), new Uri($"http://127.0.0.1:{port}"));
    }
}
