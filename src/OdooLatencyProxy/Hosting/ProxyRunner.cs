using OdooLatencyProxy.Configuration;

namespace OdooLatencyProxy.Hosting;

/// <summary>Runs the proxy until Ctrl+C or SIGTERM, telling the operator where to look.</summary>
internal static class ProxyRunner
{
    public static async Task<int> RunAsync(ProxyOptions options, IConfiguration configuration, CancellationToken cancellationToken)
    {
        await using var host = await ProxyHost.StartAsync(options, configuration, cancellationToken: cancellationToken);
        Console.WriteLine($"OdooLatencyProxy forwarding {host.PublicUri} -> {string.Join(", ", options.Upstreams)} (websockets -> {string.Join(", ", options.GeventUpstreams)})");
        Console.WriteLine($"Admin: {host.AdminUri}healthz  {host.AdminUri}readyz  {host.AdminUri}api/workers");
        await host.WaitForShutdownAsync(cancellationToken);
        return 0;
    }
}
