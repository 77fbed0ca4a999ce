using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OdooLatencyProxy.Configuration;
using OdooLatencyProxy.Hosting;

namespace OdooLatencyProxy.RealOdoo.Tests.Support;

/// <summary>The real proxy, on ephemeral loopback ports, in front of the real Odoo with its worker count.</summary>
public static class ProxyInFront
{
    /// <summary>Options as an operator would give them for <paramref name="odoo"/>.</summary>
    public static ProxyOptions Options(RealOdooServer odoo, int? workers = null) => new()
    {
        Listen = "http://127.0.0.1:0",
        AdminListen = "http://127.0.0.1:0",
        Upstreams = [new(odoo.Url!)],
        GeventUpstreams = [new(odoo.GeventUrl!)],
        Workers = workers ?? odoo.Workers,
        TrustedProxies = ["127.0.0.1"],
    };

    /// <summary>
    /// Starts the proxy; <paramref name="settings"/> are extra configuration keys (<c>Collector:LogPath</c>, ...),
    /// <paramref name="services"/> adds services beside the proxy's own (an <c>IRequestRecorder</c>, ...).
    /// </summary>
    public static Task<ProxyHost> StartAsync(
        RealOdooServer odoo, int? workers = null, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) =>
        ProxyHost.StartAsync(
            Options(odoo, workers),
            settings is null ? null : new ConfigurationBuilder().AddInMemoryCollection(settings).Build(),
            services);

    /// <summary>A client for the proxy's public listener without cookie handling of its own, that shows redirects instead of following them.</summary>
    public static HttpClient Client(ProxyHost proxy) => new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
    {
        BaseAddress = proxy.PublicUri,
        Timeout = TimeSpan.FromSeconds(120),
    };

    /// <summary>Requests per operation over the last 5 minutes, from the admin listener's <c>/api/operations</c> (operations with none left out).</summary>
    public static async Task<Dictionary<string, long>> OperationCountsAsync(ProxyHost proxy)
    {
        using var http = new HttpClient { BaseAddress = proxy.AdminUri };
        using var doc = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/api/operations"));
        return doc.RootElement.GetProperty("operations").EnumerateArray()
            .Select(o => (Name: o.GetProperty("operation").GetString()!, Count: o.GetProperty("windows").GetProperty("5m").GetProperty("count").GetInt64()))
            .Where(o => o.Count > 0)
            .ToDictionary(o => o.Name, o => o.Count);
    }
}
