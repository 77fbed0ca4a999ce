using OdooLatencyProxy.Benchmarks.Forwarding;

namespace OdooLatencyProxy.Benchmarks.Peers;

/// <summary>
/// The upstream every peer forwards to: an nginx of its own (one worker) answering every request with a fixed
/// JSON-RPC result of 166 bytes. nginx because it is neutral (none of the peers is measured as the upstream) and
/// fast enough that the peers' differences show; in closing mode <c>keepalive_timeout 0</c> makes it answer with
/// <c>Connection: close</c> and close, as Odoo's prefork workers do.
/// </summary>
internal sealed class OdooLikeUpstream : IAsyncDisposable
{
    internal const string Answer =
        """{"jsonrpc": "2.0", "id": 1, "result": [{"id": 9, "name": "S00009", "state": "sale", "amount_total": 1750.0, "partner_id": {"id": 11, "display_name": "Deco Addict"}}]}""";

    private readonly ServerProcess _server;

    private OdooLikeUpstream(ServerProcess server, Uri url) => (_server, Url) = (server, url);

    public Uri Url { get; }

    public static async Task<OdooLikeUpstream> StartAsync(UpstreamMode mode, string directory)
    {
        var port = SlowClientMemory.FreePort();
        var http = $$"""
            keepalive_timeout {{(mode == UpstreamMode.Close ? "0" : "75s")}};
            default_type application/json;
            server {
                listen 127.0.0.1:{{port}};
                location / {
                    return 200 '{{Answer}}';
                }
            }
            """;
        var server = await NginxPeer.StartAsync(Path.Combine(directory, "upstream"), http, port);
        return new(server, new Uri($"http://127.0.0.1:{port}"));
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
