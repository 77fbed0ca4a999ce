using OdooLatencyProxy.Demo;
using OdooLatencyProxy.Hosting;

// The real proxy, with its own command line (--listen, --workers, --config...), in front of the built-in Odoo
// simulator with light traffic: a first run shows something real without an Odoo at hand. A host of its own, so the
// proxy's executable and image never carry the simulator.
DemoMode? demo = null;
try
{
    return await ProxyRunner.RunAsync(
        args,
        async configuration =>
        {
            demo = await DemoMode.StartAsync();
            return demo.Settings(configuration);
        },
        (host, options) =>
        {
            Console.WriteLine($"Demo: a simulated Odoo ({options.Upstreams[0]}) answers; light traffic runs through the proxy. Try: curl -s {host.PublicUri}web/health ; curl -s {host.AdminUri}api/workers");
            demo!.StartTraffic(host.PublicUri, host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Demo"));
        });
}
finally
{
    if (demo is not null) await demo.DisposeAsync();
}
