using Microsoft.Extensions.Configuration;
using OdooLatencyProxy.Configuration;
using OdooLatencyProxy.Hosting;
using OdooSimulator;
using OdooSimulator.Hosting;

namespace OdooLatencyProxy.LoadTest.Hosting;

/// <summary>The default target: the Odoo simulator with the real proxy in front of it, both in-process on loopback ports.</summary>
internal sealed class LocalTarget : IAsyncDisposable
{
    private LocalTarget(OdooSimulatorServer simulator, ProxyHost proxy)
    {
        Simulator = simulator;
        Proxy = proxy;
    }

    public OdooSimulatorServer Simulator { get; }

    public ProxyHost Proxy { get; }

    /// <summary>Where the load goes: the proxy's public listener.</summary>
    public Uri Target => Proxy.PublicUri;

    /// <summary>The proxy's admin listener, for the cross-check.</summary>
    public Uri Admin => Proxy.AdminUri;

    public string Description => $"simulator ({Simulator.Options.Workers} prefork workers) behind the proxy, both in-process";

    public static async Task<LocalTarget> StartAsync(SimulatorOptions? simulatorOptions = null, CancellationToken cancellationToken = default)
    {
        var simulator = await OdooSimulatorServer.StartAsync(simulatorOptions ?? new SimulatorOptions(), cancellationToken);
        try
        {
            var options = new ProxyOptions
            {
                Listen = "http://127.0.0.1:0",
                AdminListen = "http://127.0.0.1:0",
                Upstreams = [new(simulator.HttpUri)],
                GeventUpstreams = [new(simulator.GeventUri)],
                Workers = simulator.Options.Workers,
            };
            // The proxy's request log would bury the progress display: warnings only.
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Warning",
            }).Build();
            var proxy = await ProxyHost.StartAsync(options, configuration, cancellationToken: cancellationToken);
            return new LocalTarget(simulator, proxy);
        }
        catch
        {
            await simulator.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Proxy.StopAsync();
        await Proxy.DisposeAsync();
        await Simulator.DisposeAsync();
    }
}
