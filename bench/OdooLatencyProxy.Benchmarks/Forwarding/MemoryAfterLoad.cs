using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OdooLatencyProxy.Benchmarks.Hosting;

namespace OdooLatencyProxy.Benchmarks.Forwarding;

/// <summary>
/// Resident memory of the real proxy process before, during and after bursts of small requests, per GC setting.
/// Runs the proxy binary as a child process in front of a fast in-process upstream; each setting is a runtime knob
/// given as its <c>DOTNET_*</c> variable, the same knob the project file's runtimeconfig sets.
/// </summary>
internal static class MemoryAfterLoad
{
    private const int Bursts = 3;
    private const int RequestsPerBurst = 20_000;
    private const int Concurrency = 64;
    private static readonly TimeSpan s_idle = TimeSpan.FromSeconds(60);

    // "as built" runs with the project file's settings; the others override one knob each.
    private static readonly (string Name, string[] Knobs)[] s_settings =
    [
        ("as built (project file)", []),
        ("Server GC, DATAS off", ["DOTNET_gcServer=1", "DOTNET_GCDynamicAdaptationMode=0"]),
        ("Server GC, DATAS on", ["DOTNET_gcServer=1", "DOTNET_GCDynamicAdaptationMode=1"]),
        ("Server GC, DATAS on, ConserveMemory 5", ["DOTNET_gcServer=1", "DOTNET_GCDynamicAdaptationMode=1", "DOTNET_GCConserveMemory=5"]),
        ("Workstation GC, concurrent", ["DOTNET_gcServer=0", "DOTNET_gcConcurrent=1"]),
        ("Workstation GC, not concurrent", ["DOTNET_gcServer=0", "DOTNET_gcConcurrent=0"]),
        ("Workstation GC, ConserveMemory 5", ["DOTNET_gcServer=0", "DOTNET_GCConserveMemory=5"]),
        ("Workstation GC, RetainVM off", ["DOTNET_GCRetainVM=0"]),
        ("Workstation GC, gen0 budget 4 MiB", ["DOTNET_GCgen0size=0x400000"]),
        ("W^X off", ["DOTNET_EnableWriteXorExecute=0"]),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        // "--proxy DLL" runs another build (e.g. a copy of main's output) instead of the one this bench references.
        var proxyAt = Array.IndexOf(args, "--proxy");
        var proxyDll = proxyAt > 0 && proxyAt + 1 < args.Length
            ? Path.GetFullPath(args[proxyAt + 1])
            : typeof(OdooLatencyProxy.Hosting.ProxyHost).Assembly.Location;
        var only = args.Skip(1).Where((_, i) => i + 1 != proxyAt && i + 1 != proxyAt + 1).FirstOrDefault();
        await using var upstream = await StartUpstreamAsync();
        var upstreamUrl = upstream.Urls.First();
        Console.WriteLine($"{Bursts} bursts of {RequestsPerBurst} GET at concurrency {Concurrency}, then {s_idle.TotalSeconds:F0} s idle; proxy VmRSS");
        Console.WriteLine("| setting | start | peak during bursts | after burst 1 / 2 / 3 | idle +10 s | idle +60 s | GC committed / heap at +60 s | threads | requests/s |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var (name, knobs) in s_settings)
        {
            if (only is not null && !name.Contains(only, StringComparison.OrdinalIgnoreCase)) continue;
            await RunSettingAsync(name, knobs, proxyDll, upstreamUrl);
        }
        return 0;
    }

    private static async Task RunSettingAsync(string name, string[] knobs, string proxyDll, string upstreamUrl)
    {
        var (publicPort, adminPort) = (SlowClientMemory.FreePort(), SlowClientMemory.FreePort());
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { proxyDll, "--upstream", upstreamUrl, "--gevent-upstream", upstreamUrl,
            "--listen", $"http://127.0.0.1:{publicPort}", "--admin-listen", $"http://127.0.0.1:{adminPort}" }) start.ArgumentList.Add(a);
        foreach (var knob in knobs)
        {
            var kv = knob.Split('=');
            start.Environment[kv[0]] = kv[1];
        }
        using var proxy = Process.Start(start)!;
        proxy.OutputDataReceived += (_, _) => { };
        proxy.ErrorDataReceived += (_, _) => { };
        proxy.BeginOutputReadLine();
        proxy.BeginErrorReadLine();
        try
        {
            using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
            await SlowClientMemory.WaitAsync(async () => (await admin.GetAsync("/healthz")).IsSuccessStatusCode);
            await Task.Delay(2000);
            var before = SlowClientMemory.Rss(proxy);
            long peak = before;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peak = Math.Max(peak, SlowClientMemory.Rss(proxy));
                    await Task.Delay(100);
                }
            });

            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{publicPort}"),
            };
            var afterBursts = new List<long>();
            var clock = Stopwatch.StartNew();
            for (var b = 0; b < Bursts; b++)
            {
                await BurstAsync(client);
                afterBursts.Add(SlowClientMemory.Rss(proxy));
            }
            var rate = Bursts * RequestsPerBurst / clock.Elapsed.TotalSeconds;
            await sampling.CancelAsync();
            await sampler;
            // The load has ended: the client's connections close, as a browser's would.
            client.Dispose();
            await Task.Delay(TimeSpan.FromSeconds(10));
            var idle10 = SlowClientMemory.Rss(proxy);
            await Task.Delay(s_idle - TimeSpan.FromSeconds(10));
            var idle60 = SlowClientMemory.Rss(proxy);
            var metrics = await admin.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            var committed = Sum(metrics, "dotnet_gc_last_collection_memory_committed_size_bytes");
            var heap = Sum(metrics, "dotnet_gc_last_collection_heap_size_bytes");
            var threads = ProcessStats.StatusValue(proxy.Id, "Threads");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {SlowClientMemory.Mb(before)} | {SlowClientMemory.Mb(peak)} | {string.Join(" / ", afterBursts.Select(SlowClientMemory.Mb))} | {SlowClientMemory.Mb(idle10)} | {SlowClientMemory.Mb(idle60)} | {SlowClientMemory.Mb(committed)} / {SlowClientMemory.Mb(heap)} | {threads} | {rate:F0} |"));
        }
        finally
        {
            proxy.Kill(entireProcessTree: true);
            await proxy.WaitForExitAsync();
        }
    }

    // Sum of a metric's samples in Prometheus text (one per generation).
    private static long Sum(string metrics, string name) => (long)metrics.Split('\n')
        .Where(l => l.StartsWith(name, StringComparison.Ordinal))
        .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    private static async Task BurstAsync(HttpClient client)
    {
        var next = 0;
        var tasks = new Task[Concurrency];
        for (var c = 0; c < Concurrency; c++)
        {
            tasks[c] = Task.Run(async () =>
            {
                while (Interlocked.Increment(ref next) <= RequestsPerBurst)
                {
                    using var response = await client.GetAsync("/web/webclient/version_info");
                    await response.Content.ReadAsByteArrayAsync();
                }
            });
        }
        await Task.WhenAll(tasks);
    }

    // A fast stand-in Odoo answering every request with a small JSON body.
    private static async Task<WebApplication> StartUpstreamAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var body = """{"jsonrpc":"2.0","id":null,"result":{"server_version":"17.0"}}"""u8.ToArray();
        app.Run(async context =>
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body);
        });
        await app.StartAsync();
        return app;
    }
}
