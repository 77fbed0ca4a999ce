using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OdooLatencyProxy.Benchmarks.Forwarding;

/// <summary>
/// Two builds of the proxy side by side in one run: each a child process in front of the same in-process upstream, first
/// one closing every connection (as Odoo's prefork workers do), then one keeping them alive. Per round and build, a fixed
/// rate (<c>hey</c>, 2,000 req/s from 16 clients unless given) and a peak run (<c>wrk</c>, 32 connections), builds alternating which
/// goes first. Per build: req/s, client p50/p99, CPU of the proxy process per request (utime + stime from
/// <c>/proc/PID/stat</c>), bytes allocated per request (the runtime's own counter on the proxy's <c>/metrics</c>), and
/// VmRSS at start, peak, and after a minute idle. Needs <c>hey</c> and <c>wrk</c> (Debian packages).
/// </summary>
internal static partial class BuildComparison
{
    private const int RateClients = 16;
    private const int PeakConnections = 32;
    private const string Path = "/web/dataset/call_kw/sale.order/web_read";
    private const string Body = """{"jsonrpc":"2.0","method":"call","id":1,"params":{"model":"sale.order","method":"web_read","args":[[9]],"kwargs":{}}}""";
    private static readonly TimeSpan s_idle = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("compare-builds BEFORE.dll [AFTER.dll|.] [seconds] [rounds] [req/s]   (. = the build this benchmark references)");
            return 2;
        }
        var before = System.IO.Path.GetFullPath(args[1]);
        var after = args.Length > 2 && args[2] != "." ? System.IO.Path.GetFullPath(args[2]) : typeof(OdooLatencyProxy.Hosting.ProxyHost).Assembly.Location;
        var seconds = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 5;
        var rounds = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 3;
        var rate = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 2000;
        var script = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"compare-builds-{Environment.ProcessId}.lua");
        await File.WriteAllTextAsync(script, $"wrk.method = \"POST\"\nwrk.body = '{Body}'\nwrk.headers[\"Content-Type\"] = \"application/json\"\n");
        try
        {
            Console.WriteLine($"before: {before}\nafter:  {after}");
            Console.WriteLine($"{rounds} alternating rounds of {seconds} s per load; POST {Path} (body peek); {Environment.ProcessorCount} cores; " +
                $"load average at start {File.ReadAllText("/proc/loadavg").Trim()}");
            foreach (var closing in new[] { true, false })
            {
                await RunModeAsync(closing, [before, after], seconds, rounds, Math.Max(1, rate / RateClients), script);
            }
        }
        finally
        {
            File.Delete(script);
        }
        return 0;
    }

    private static async Task RunModeAsync(bool closing, string[] builds, int seconds, int rounds, int ratePerClient, string script)
    {
        await using var upstream = await StartUpstreamAsync(closing);
        var upstreamUrl = upstream.Urls.First();
        var proxies = new List<ProxyProcess>();
        try
        {
            foreach (var dll in builds) proxies.Add(await ProxyProcess.StartAsync(dll, upstreamUrl));
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    foreach (var p in proxies) p.SampleRss();
                    await Task.Delay(100);
                }
            });
            // Warm-up until tiered JIT has settled on both.
            foreach (var p in proxies) await RunWrkAsync(p, 5, script);

            var loads = new (string Name, Func<ProxyProcess, Task<Run>> Drive)[]
            {
                ($"{RateClients * ratePerClient} req/s (hey, {RateClients} clients)", p => RunHeyAsync(p, seconds, ratePerClient)),
                ($"peak (wrk, {PeakConnections} connections)", p => RunWrkAsync(p, seconds, script)),
            };
            Console.WriteLine();
            Console.WriteLine($"## upstream {(closing ? "closing every connection (like Odoo's prefork workers)" : "keep-alive")}");
            Console.WriteLine("| load | build | round | req/s | p50 ms | p99 ms | CPU µs/req | alloc B/req | non-2xx |");
            Console.WriteLine("|---|---|---|---:|---:|---:|---:|---:|---:|");
            var all = new List<(string Load, int Build, Run Run)>();
            for (var round = 1; round <= rounds; round++)
            {
                foreach (var (name, drive) in loads)
                {
                    var order = round % 2 == 1 ? new[] { 0, 1 } : [1, 0];
                    foreach (var b in order)
                    {
                        var run = await proxies[b].MeasureAsync(drive);
                        all.Add((name, b, run));
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"| {name} | {(b == 0 ? "before" : "after")} | {round} | {run.Rate:F0} | {run.P50Ms:F2} | {run.P99Ms:F2} | {run.CpuMicrosPerRequest:F0} | {run.AllocatedPerRequest:F0} | {run.Errors} |"));
                    }
                }
            }
            Console.WriteLine();
            Console.WriteLine("| load | build | req/s (median) | p50 ms | p99 ms | CPU µs/req (median, min–max) | alloc B/req |");
            Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
            foreach (var (name, _) in loads)
            {
                var medians = new double[2];
                for (var b = 0; b < 2; b++)
                {
                    var runs = all.Where(r => r.Load == name && r.Build == b).Select(r => r.Run).ToList();
                    medians[b] = Median(runs.Select(r => r.CpuMicrosPerRequest));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {name} | {(b == 0 ? "before" : "after")} | {Median(runs.Select(r => r.Rate)):F0} | {Median(runs.Select(r => r.P50Ms)):F2} | {Median(runs.Select(r => r.P99Ms)):F2} | " +
                        $"{medians[b]:F0} ({runs.Min(r => r.CpuMicrosPerRequest):F0}–{runs.Max(r => r.CpuMicrosPerRequest):F0}) | {Median(runs.Select(r => r.AllocatedPerRequest)):F0} |"));
                }
                // Each round ran both builds back to back: the ratio within a round is the least load-sensitive figure.
                var paired = Enumerable.Range(0, rounds).Select(r => all.Where(x => x.Load == name && x.Build == 1).ElementAt(r).Run.CpuMicrosPerRequest
                    / all.Where(x => x.Load == name && x.Build == 0).ElementAt(r).Run.CpuMicrosPerRequest).ToList();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | after/before CPU | | | | {medians[1] / medians[0]:F2} (per round: {string.Join(", ", paired.Select(x => x.ToString("F2", CultureInfo.InvariantCulture)))}; median {Median(paired):F2}) | |"));
            }
            await sampling.CancelAsync();
            await sampler;
            if (closing)
            {
                // The load has ended and wrk/hey closed their connections: memory a minute later, both builds idle together.
                await Task.Delay(s_idle);
                Console.WriteLine();
                Console.WriteLine("| build | RSS at start | peak under load | idle 60 s after the last run |");
                Console.WriteLine("|---|---:|---:|---:|");
                for (var b = 0; b < 2; b++)
                {
                    var p = proxies[b];
                    Console.WriteLine($"| {(b == 0 ? "before" : "after")} | {SlowClientMemory.Mb(p.StartRss)} | {SlowClientMemory.Mb(p.PeakRss)} | {SlowClientMemory.Mb(p.Rss())} |");
                }
            }
        }
        finally
        {
            foreach (var p in proxies) await p.DisposeAsync();
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static async Task<Run> RunHeyAsync(ProxyProcess proxy, int seconds, int ratePerClient)
    {
        var output = await ToolAsync("hey", "-z", $"{seconds}s", "-c", $"{RateClients}", "-q", $"{ratePerClient}", "-m", "POST",
            "-T", "application/json", "-d", Body, $"{proxy.PublicUrl}{Path}");
        var ok = HeyStatus().Matches(output).Where(m => m.Groups[1].Value.StartsWith('2')).Sum(m => long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        var total = HeyStatus().Matches(output).Sum(m => long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        return new Run(ok, total - ok, ok / (double)seconds, HeyPercentile(output, "50%"), HeyPercentile(output, "99%"));
    }

    private static double HeyPercentile(string output, string percentile) =>
        Regex.Match(output, $@"{percentile} in ([0-9.]+) secs") is { Success: true } m ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * 1000 : double.NaN;

    private static async Task<Run> RunWrkAsync(ProxyProcess proxy, int seconds, string script)
    {
        var output = await ToolAsync("wrk", "-t", "2", "-c", $"{PeakConnections}", "-d", $"{seconds}s", "--latency", "-s", script, $"{proxy.PublicUrl}{Path}");
        var total = WrkRequests().Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var errors = WrkNon2xx().Match(output) is { Success: true } e ? long.Parse(e.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        return new Run(total - errors, errors, (total - errors) / (double)seconds, WrkPercentile(output, "50"), WrkPercentile(output, "99"));
    }

    private static double WrkPercentile(string output, string percentile)
    {
        var m = Regex.Match(output, $@"^\s+{percentile}%\s+([0-9.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        if (!m.Success) return double.NaN;
        var value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    private static async Task<string> ToolAsync(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return await output + await error;
    }

    // A fast stand-in Odoo: a small JSON-RPC answer, closing the connection after it when asked, as a prefork worker does.
    private static async Task<WebApplication> StartUpstreamAsync(bool closing)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var answer = """{"jsonrpc": "2.0", "id": 1, "result": [{"id": 9, "state": "sale"}]}"""u8.ToArray();
        app.Run(async context =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            if (closing) context.Response.Headers.Connection = "close";
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = answer.Length;
            await context.Response.Body.WriteAsync(answer);
        });
        await app.StartAsync();
        return app;
    }

    [GeneratedRegex(@"\[(\d{3})\]\s+(\d+) responses")]
    private static partial Regex HeyStatus();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex WrkRequests();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex WrkNon2xx();

    /// <summary>One driver run against one build; CPU and allocation filled in by <see cref="ProxyProcess.MeasureAsync"/>.</summary>
    private sealed record Run(long Requests, long Errors, double Rate, double P50Ms, double P99Ms)
    {
        public double CpuMicrosPerRequest { get; init; }
        public double AllocatedPerRequest { get; init; }
    }

    /// <summary>A proxy build running as its own process, with its public and admin ports.</summary>
    private sealed class ProxyProcess : IAsyncDisposable
    {
        private static readonly double s_microsPerTick = 1_000_000.0 / 100; // USER_HZ is 100 on Linux.
        private readonly Process _process;
        private readonly HttpClient _admin;

        private ProxyProcess(Process process, int publicPort, int adminPort)
        {
            _process = process;
            PublicUrl = $"http://127.0.0.1:{publicPort}";
            _admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
        }

        public string PublicUrl { get; }
        public long StartRss { get; private set; }
        public long PeakRss { get; private set; }

        public static async Task<ProxyProcess> StartAsync(string dll, string upstream)
        {
            var (publicPort, adminPort) = (SlowClientMemory.FreePort(), SlowClientMemory.FreePort());
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { dll, "--upstream", upstream, "--gevent-upstream", upstream, "--workers", "64",
                "--listen", $"http://127.0.0.1:{publicPort}", "--admin-listen", $"http://127.0.0.1:{adminPort}" }) start.ArgumentList.Add(a);
            start.Environment["Logging__LogLevel__Default"] = "Warning";
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var proxy = new ProxyProcess(process, publicPort, adminPort);
            await SlowClientMemory.WaitAsync(async () => (await proxy._admin.GetAsync(new Uri("/healthz", UriKind.Relative))).IsSuccessStatusCode);
            await Task.Delay(2000);
            proxy.StartRss = proxy.PeakRss = proxy.Rss();
            return proxy;
        }

        public long Rss() => SlowClientMemory.Rss(_process);

        public void SampleRss() => PeakRss = Math.Max(PeakRss, Rss());

        public async Task<Run> MeasureAsync(Func<ProxyProcess, Task<Run>> drive)
        {
            var allocated = await AllocatedAsync();
            var cpu = CpuTicks();
            var run = await drive(this);
            var cpuTicks = CpuTicks() - cpu;
            // The scrape itself allocates too; a few hundred KiB against tens of thousands of requests.
            var bytes = await AllocatedAsync() - allocated;
            var requests = Math.Max(1, run.Requests + run.Errors);
            return run with { CpuMicrosPerRequest = cpuTicks * s_microsPerTick / requests, AllocatedPerRequest = bytes / (double)requests };
        }

        private long CpuTicks()
        {
            // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
            var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }

        private async Task<long> AllocatedAsync()
        {
            var metrics = await _admin.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            var line = metrics.Split('\n').First(l => l.StartsWith("dotnet_gc_heap_total_allocated_bytes_total", StringComparison.Ordinal));
            return (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        }

        public async ValueTask DisposeAsync()
        {
            _admin.Dispose();
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
        }
    }
}
