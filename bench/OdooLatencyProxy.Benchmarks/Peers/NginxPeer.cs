using System.Globalization;
using OdooLatencyProxy.Benchmarks.Forwarding;

namespace OdooLatencyProxy.Benchmarks.Peers;

/// <summary>
/// nginx with one worker and the proxy settings of Odoo's deployment guide: buffering on (its default), the
/// X-Forwarded-* headers, 720 s timeouts. Against a keep-alive upstream it also keeps upstream connections
/// (<c>keepalive</c>, <c>proxy_http_version 1.1</c>, empty <c>Connection</c>), as a tuned nginx would; against a
/// closing upstream there is nothing to keep, so it speaks HTTP/1.0 as the guide's configuration does.
/// </summary>
internal sealed class NginxPeer() : Peer("nginx")
{
    protected override async Task<(ServerProcess? Server, Uri Url)> LaunchAsync(Uri upstream, UpstreamMode mode, string directory)
    {
        var port = SlowClientMemory.FreePort();
        var keepAlive = mode == UpstreamMode.KeepAlive;
        var http = string.Create(CultureInfo.InvariantCulture, $$"""
            upstream odoo {
                server {{upstream.Authority}};
                {{(keepAlive ? "keepalive 32;" : "")}}
            }
            server {
                listen 127.0.0.1:{{port}};
                proxy_read_timeout 720s;
                proxy_connect_timeout 720s;
                proxy_send_timeout 720s;
                location / {
                    proxy_pass http://odoo;
                    proxy_redirect off;
                    proxy_set_header Host $host;
                    proxy_set_header X-Forwarded-Host $host;
                    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                    proxy_set_header X-Forwarded-Proto $scheme;
                    proxy_set_header X-Real-IP $remote_addr;
                    {{(keepAlive ? "proxy_http_version 1.1;\n            proxy_set_header Connection \"\";" : "")}}
                }
            }
            """);
        return (await StartAsync(Path.Combine(directory, "nginx"), http, port), new Uri($"http://127.0.0.1:{port}"));
    }

    /// <summary>
    /// Starts an nginx of our own: one worker, in the foreground, its config, pid and temp files in its folder, no
    /// access log (no peer writes one per request), keep-alive with clients as Kestrel and HAProxy keep it.
    /// </summary>
    internal static Task<ServerProcess> StartAsync(string prefix, string httpBlock, int port)
    {
        Tools.CreateFolder(prefix);
        var config = Path.Combine(prefix, "nginx.conf");
        File.WriteAllText(config, $$"""
            worker_processes 1;
            daemon off;
            pid nginx.pid;
            error_log stderr warn;
            events { worker_connections 4096; }
            http {
                access_log off;
                keepalive_requests 1000000;
                client_body_temp_path client_body;
                proxy_temp_path proxy;
                fastcgi_temp_path fastcgi;
                uwsgi_temp_path uwsgi;
                scgi_temp_path scgi;
            {{httpBlock}}
            }
            """);
        return ServerProcess.StartAsync(Tools.Nginx, ["-p", prefix + "/", "-c", config, "-e", "stderr"], port);
    }
}
