using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OdooLatencyProxy.Configuration;
using OdooLatencyProxy.Hosting;

namespace OdooLatencyProxy.Benchmarks.Telemetry;

/// <summary>
/// Full proxy throughput with telemetry on and off in the same run: two proxies in front of one trivial loopback
/// upstream (keep-alive, tiny body, so the proxy's own cost dominates), driven in alternating rounds so drift on a
/// shared machine hits both alike. Not a BenchmarkDotNet benchmark: it measures requests per second end to end.
/// </summary>
internal static class ThroughputComparison
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5;
        var rounds = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 6;
        const int concurrency = 32;

        await using var upstream = await StartUpstreamAsync();
        var upstreamUri = upstream.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        await using var on = await StartProxyAsync(upstreamUri, telemetry: true);
        await using var off = await StartProxyAsync(upstreamUri, telemetry: false);

        Console.WriteLine($"Throughput, telemetry on vs off: {rounds} alternating rounds of {seconds} s each, {concurrency} concurrent keep-alive clients, " +
            $"workers limit 64, JSON-RPC POST to /web/dataset/call_kw/sale.order/web_read (body peek), {Environment.ProcessorCount} cores");
        // Warm-up until tiered JIT has settled on both.
        await DriveAsync(on.PublicUri, TimeSpan.FromSeconds(3), concurrency);
        await DriveAsync(off.PublicUri, TimeSpan.FromSeconds(3), concurrency);
        long onTotal = 0, offTotal = 0;
        for (var round = 1; round <= rounds; round++)
        {
            // Alternate which goes first, so a trend in the machine's load favours neither.
            long onCount, offCount;
            if (round % 2 == 1)
            {
                offCount = await DriveAsync(off.PublicUri, TimeSpan.FromSeconds(seconds), concurrency);
                onCount = await DriveAsync(on.PublicUri, TimeSpan.FromSeconds(seconds), concurrency);
            }
            else
            {
                onCount = await DriveAsync(on.PublicUri, TimeSpan.FromSeconds(seconds), concurrency);
                offCount = await DriveAsync(off.PublicUri, TimeSpan.FromSeconds(seconds), concurrency);
            }
            offTotal += offCount;
            onTotal += onCount;
            Console.WriteLine($"round {round}: off {offCount / seconds,8:F0} req/s   on {onCount / seconds,8:F0} req/s   ratio {(double)onCount / offCount:F3}");
        }
        Console.WriteLine($"total:   off {offTotal / (seconds * rounds),8:F0} req/s   on {onTotal / (seconds * rounds),8:F0} req/s   ratio {(double)onTotal / offTotal:F3}");
        return 0;
    }

    private static async Task<long> DriveAsync(Uri proxy, TimeSpan duration, int concurrency)
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = proxy };
        var body = """{"jsonrpc":"2.0","method":"call","id":1,"params":{"model":"sale.order","method":"web_read","args":[[9]],"kwargs":{}}}"""u8.ToArray();
        long count = 0;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (stopwatch.Elapsed < duration)
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new("application/json");
                using var response = await client.PostAsync(new Uri("/web/dataset/call_kw/sale.order/web_read", UriKind.Relative), content);
                await response.Content.ReadAsByteArrayAsync();
                if (response.IsSuccessStatusCode) Interlocked.Increment(ref count);
            }
        }));
        return count;
    }

    private static async Task<WebApplication> StartUpstreamAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        var app = builder.Build();
        var answer = """{"jsonrpc": "2.0", "id": 1, "result": [{"id": 9, "state": "sale"}]}"""u8.ToArray();
        app.Run(async context =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(answer);
        });
        await app.StartAsync();
        return app;
    }

    private static Task<ProxyHost> StartProxyAsync(string upstream, bool telemetry)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Telemetry:Enabled"] = telemetry ? "true" : "false",
            ["Logging:LogLevel:Default"] = "Warning",
        }).Build();
        return ProxyHost.StartAsync(new ProxyOptions
        {
            Listen = "http://127.0.0.1:0",
            AdminListen = "http://127.0.0.1:0",
            Upstreams = [UpstreamDestination.Parse(upstream)],
            GeventUpstreams = [UpstreamDestination.Parse(upstream)],
            Workers = 64,
        }, configuration);
    }
}
