using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OdooLatencyProxy.Configuration;
using OdooLatencyProxy.Hosting;
using OdooLatencyProxy.RequestPath;
using OdooLatencyProxy.Telemetry;
using OdooLatencyProxy.Tests.Infrastructure;
using OdooSimulator;
using OdooSimulator.Hosting;

namespace OdooLatencyProxy.Tests.Telemetry;

/// <summary>The real proxy in front of the in-process Odoo simulator, both on ephemeral loopback ports, with an admin client.</summary>
public sealed class TelemetryHarness : IAsyncDisposable
{
    private TelemetryHarness(OdooSimulatorServer sim, ProxyHost proxy, RecordingRecorder recorder)
    {
        Sim = sim;
        Proxy = proxy;
        Recorder = recorder;
        // No redirect following: one request sent is one request the proxy sees.
        Client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, AutomaticDecompression = System.Net.DecompressionMethods.None })
        {
            BaseAddress = proxy.PublicUri,
            Timeout = TimeSpan.FromSeconds(60),
        };
        Admin = new HttpClient { BaseAddress = proxy.AdminUri, Timeout = TimeSpan.FromSeconds(30) };
    }

    public OdooSimulatorServer Sim { get; }
    public ProxyHost Proxy { get; }
    public RecordingRecorder Recorder { get; }
    public HttpClient Client { get; }
    public HttpClient Admin { get; }

    internal OdooMeter Meter => Proxy.Services.GetRequiredService<OdooMeter>();

    public static async Task<TelemetryHarness> StartAsync(
        int simWorkers, int proxyWorkers, IDictionary<string, string?>? settings = null, Func<ProxyOptions, ProxyOptions>? tweak = null)
    {
        var sim = await OdooSimulatorServer.StartAsync(new SimulatorOptions { Workers = simWorkers, Backlog = 256 });
        try
        {
            var options = TestProxy.Options(sim.HttpUri, sim.GeventUri, proxyWorkers);
            if (tweak is not null) options = tweak(options);
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
            var recorder = new RecordingRecorder();
            var proxy = await ProxyHost.StartAsync(options, configuration, s => s.AddSingleton<IRequestRecorder>(recorder));
            return new TelemetryHarness(sim, proxy, recorder);
        }
        catch
        {
            await sim.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends <c>GET path</c> (answered 2xx or 3xx) with the simulator holding it <paramref name="delayMs"/>.</summary>
    public async Task<HttpResponseMessage> GetAsync(string path, double? delayMs = null, Action<HttpRequestMessage>? configure = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (delayMs is { } ms) request.Headers.Add("X-Sim-Delay-Ms", ms.ToString("0.###", CultureInfo.InvariantCulture));
        configure?.Invoke(request);
        var response = await Client.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        return response;
    }

    public async Task<JsonElement> JsonAsync(string path) =>
        await Admin.GetFromJsonAsync<JsonElement>(new Uri(path, UriKind.Relative));

    /// <summary>The 1m/5m window of one operation from <c>/api/operations</c>, or null when it is not listed.</summary>
    public async Task<JsonElement?> OperationWindowAsync(string operation, string window = "1m")
    {
        var document = await JsonAsync("/api/operations");
        foreach (var o in document.GetProperty("operations").EnumerateArray())
        {
            if (o.GetProperty("operation").GetString() == operation) return o.GetProperty("windows").GetProperty(window);
        }
        return null;
    }

    public async Task<IReadOnlyList<PromSample>> ScrapeAsync() => PromSample.Parse(await Admin.GetStringAsync(new Uri("/metrics", UriKind.Relative)));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Admin.Dispose();
        await Proxy.DisposeAsync();
        await Sim.DisposeAsync();
    }
}
