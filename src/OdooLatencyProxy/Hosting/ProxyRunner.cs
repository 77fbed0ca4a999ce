using OdooLatencyProxy.Configuration;
using OdooLatencyProxy.Demo;

namespace OdooLatencyProxy.Hosting;

/// <summary>Runs the proxy until Ctrl+C or SIGTERM, telling the operator where to look.</summary>
internal static class ProxyRunner
{
    public static async Task<int> RunAsync(ProxyOptions options, IConfiguration configuration, bool passwordOnCommandLine, CancellationToken cancellationToken)
    {
        DemoMode? demo = null;
        if (options.Demo) (demo, options) = await DemoMode.StartAsync(options);
        await using var _ = demo;

        await using var host = await ProxyHost.StartValidatedAsync(options, configuration, services: null, cancellationToken);
        if (passwordOnCommandLine) HostingLog.PasswordOnCommandLine(host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OdooLatencyProxy"));
        Console.WriteLine($"OdooLatencyProxy forwarding {host.PublicUri} -> {string.Join(", ", options.Upstreams)} (websockets -> {string.Join(", ", options.GeventUpstreams)}), {(options.Workers == 0 ? "workers not limited" : $"{options.Workers} workers per host")}");
        Console.WriteLine($"Admin: {host.AdminUri}healthz  {host.AdminUri}readyz  {host.AdminUri}status  {host.AdminUri}metrics  {host.AdminUri}api/operations  {host.AdminUri}api/workers");
        if (demo is not null)
        {
            Console.WriteLine($"Demo: a simulated Odoo ({options.Upstreams[0]}) answers; light traffic runs through the proxy. Try: curl -s {host.PublicUri}web/health ; curl -s {host.AdminUri}api/workers");
            demo.StartTraffic(host.PublicUri, host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Demo"));
        }
        await host.WaitForShutdownAsync(cancellationToken);
        return 0;
    }
}
