using System.Globalization;
using OdooLatencyProxy.Benchmarks.Hosting;

namespace OdooLatencyProxy.Benchmarks.Peers;

/// <summary>
/// This proxy side by side with nginx and HAProxy in front of the same Odoo-like upstream, and with no proxy at all:
/// a fixed-rate run and a peak run per peer, rounds alternating between peers so the machine's drift hits all alike.
/// Every server is a process of its own, started here with generated configuration in a temp folder, on free
/// loopback ports, and stopped at the end; nothing of the system's own nginx or HAProxy is touched.
/// </summary>
internal static class PeerBenchmark
{
    private const int WarmUpSeconds = 3;
    private const int IdleSeconds = 60;

    public static async Task<int> RunAsync(string[] args)
    {
        PeerSettings settings;
        try
        {
            settings = PeerSettings.Parse(args);
        }
        catch (FormatException e)
        {
            await Console.Error.WriteLineAsync($"peers: {e.Message}\n{PeerSettings.Usage}");
            return 2;
        }
        var missing = Tools.Missing().ToList();
        if (missing.Count > 0)
        {
            foreach (var line in missing) await Console.Error.WriteLineAsync(line);
            return 1;
        }

        using var cancel = new CancellationTokenSource();
        // Ctrl-C ends the run through the finally blocks, so every server started here is stopped.
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        var directory = Directory.CreateTempSubdirectory("odoo-peers-");
        Tools.CreateFolder(directory.FullName);
        try
        {
            PrintHeader(settings);
            var driver = new LoadDriver(directory.FullName);
            List<Peer> peers = [.. settings.BuildsOnly ? [] : new Peer[] { new DirectPeer(), new NginxPeer(), new HaproxyPeer() },
                .. settings.Floors ? new Peer[] { new FloorPeer("transport"), new FloorPeer("kestrel"), new FloorPeer("yarp") } : [],
                .. settings.Proxies.Select(p => new ProxyPeer(p.Label, p.Dll, 2 * LoadDriver.PeakConnections))];
            foreach (var mode in settings.Modes)
            {
                var results = await RunModeAsync(mode, peers, driver, settings, Path.Combine(directory.FullName, mode.ToString()), cancel.Token);
                Console.WriteLine();
                Console.WriteLine(mode == UpstreamMode.Close
                    ? "Upstream closes the connection after each response (Odoo prefork):"
                    : "Upstream keeps connections alive:");
                Console.WriteLine();
                PeerTable.Print(Console.Out, results, settings.Rate, settings.Memory);
            }
            Console.WriteLine();
            Console.WriteLine($"load average at the end: {LoadAverage()}");
            return 0;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("peers: interrupted; every server started has been stopped");
            return 130;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or FormatException or HttpRequestException)
        {
            // A server that did not start or answer, or a load tool that failed: the message names it.
            await Console.Error.WriteLineAsync($"peers: {e.Message}");
            return 1;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            directory.Delete(recursive: true);
        }
    }

    private static async Task<List<PeerResult>> RunModeAsync(UpstreamMode mode, List<Peer> peers, LoadDriver driver,
        PeerSettings settings, string directory, CancellationToken cancel)
    {
        Tools.CreateFolder(directory);
        await using var upstream = await OdooLikeUpstream.StartAsync(mode, directory);
        var results = peers.Select(p => new PeerResult(p.Label)).ToList();
        try
        {
            foreach (var (peer, result) in peers.Zip(results))
            {
                await peer.StartAsync(upstream.Url, mode, Tools.CreateFolder(Path.Combine(directory, peer.Label)));
                await CheckAnswerAsync(peer);
                result.RssStart = peer.Server is { } server ? ProcessStats.RssBytes(server.Pid) : null;
            }
            foreach (var peer in peers)
            {
                Console.WriteLine($"{mode}: warming up {peer.Label} ({WarmUpSeconds} s at the rate, {WarmUpSeconds} s peak)");
                await driver.FixedRateAsync(peer.Url, WarmUpSeconds, settings.Rate, settings.Clients, cancel);
                await driver.PeakAsync(peer.Url, WarmUpSeconds, cancel);
            }
            using var sampling = new CancellationTokenSource();
            var sampler = settings.Memory ? SamplePeakRssAsync(peers, results, sampling.Token) : Task.CompletedTask;
            for (var round = 1; round <= settings.Rounds; round++)
            {
                foreach (var (peer, result) in peers.Zip(results))
                {
                    var (rate, rateCpu, rateAllocated) = await MeasureAsync(peer, () => driver.FixedRateAsync(peer.Url, settings.Seconds, settings.Rate, settings.Clients, cancel));
                    var (peak, peakCpu, peakAllocated) = await MeasureAsync(peer, () => driver.PeakAsync(peer.Url, settings.Seconds, cancel));
                    result.Rounds.Add(new PeerRound(rate, rateCpu, peak, peakCpu) { RateAllocated = rateAllocated, PeakAllocated = peakAllocated });
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{mode} round {round}/{settings.Rounds} {peer.Label,-12} {rate.PerSecond,7:F0} req/s  cpu {rateCpu,5:F0} µs/req  " +
                        $"p50 {rate.P50,5:F1} ms  p99 {rate.P99,5:F1} ms  | peak {peak.PerSecond,7:F0} req/s  cpu {peakCpu,5:F0} µs/req  " +
                        $"errors {rate.Errors + peak.Errors}"));
                }
            }
            await sampling.CancelAsync();
            await sampler;
            foreach (var (peer, result) in peers.Zip(results))
            {
                result.RssEnd = peer.Server is { } server ? ProcessStats.RssBytes(server.Pid) : null;
            }
            if (settings.Memory)
            {
                // The load tools have exited and closed their connections: memory a minute later, every peer idle together.
                Console.WriteLine($"{mode}: idle {IdleSeconds} s");
                await Task.Delay(TimeSpan.FromSeconds(IdleSeconds), cancel);
                foreach (var (peer, result) in peers.Zip(results))
                {
                    result.RssIdle = peer.Server is { } server ? ProcessStats.RssBytes(server.Pid) : null;
                }
            }
        }
        finally
        {
            foreach (var peer in peers) await peer.StopAsync();
        }
        return results;
    }

    // CPU of the peer's processes over the run, per request the client saw answered; bytes allocated likewise, when the peer says.
    private static async Task<(LoadReport Report, double? CpuPerRequest, double? AllocatedPerRequest)> MeasureAsync(Peer peer, Func<Task<LoadReport>> run)
    {
        var pid = peer.Server?.Pid;
        var allocatedBefore = await peer.AllocatedBytesAsync();
        var before = pid is { } p ? ProcessStats.CpuMicroseconds(p) : 0;
        var report = await run();
        double? cpu = pid is { } q && report.Requests > 0 ? (ProcessStats.CpuMicroseconds(q) - before) / report.Requests : null;
        double? allocated = allocatedBefore is { } a && await peer.AllocatedBytesAsync() is { } b && report.Requests > 0
            ? (b - a) / (double)report.Requests
            : null;
        return (report, cpu, allocated);
    }

    // Highest resident memory of each peer's processes while the rounds run.
    private static async Task SamplePeakRssAsync(List<Peer> peers, List<PeerResult> results, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            foreach (var (peer, result) in peers.Zip(results))
            {
                if (peer.Server is { } server) result.RssPeak = Math.Max(result.RssPeak ?? 0, ProcessStats.RssBytes(server.Pid));
            }
            try
            {
                await Task.Delay(100, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // Every peer must hand the client the upstream's answer unchanged, or its figures mean nothing.
    private static async Task CheckAnswerAsync(Peer peer)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var content = new StringContent("""{"jsonrpc":"2.0","method":"call","id":1,"params":{}}""", System.Text.Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri(peer.Url, "/web/dataset/call_kw/sale.order/web_read"), content);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode || body != OdooLikeUpstream.Answer)
        {
            throw new InvalidOperationException($"{peer.Label} answered {(int)response.StatusCode} '{body}' instead of the upstream's answer\n{peer.Server?.Output}");
        }
    }

    private static void PrintHeader(PeerSettings settings)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Peers: {settings.Rounds} rounds per upstream mode; per peer and round a fixed-rate run ({settings.Rate:F0} req/s, hey, " +
            $"{settings.Clients} clients, {settings.Seconds} s) and a peak run (wrk, {LoadDriver.PeakConnections} connections, " +
            $"{LoadDriver.PeakThreads} threads, {settings.Seconds} s), after {WarmUpSeconds} s + {WarmUpSeconds} s of warm-up."));
        Console.WriteLine($"Proxy builds: {string.Join(", ", settings.Proxies.Select(p => $"{p.Label} = {p.Dll}"))} " +
            $"(--workers {2 * LoadDriver.PeakConnections}: above the clients' concurrency, admission never queues).");
        Console.WriteLine($"{Environment.ProcessorCount} cores; load average at the start: {LoadAverage()}");
        Console.WriteLine("Cells: best of the rounds (min–max). CPU: utime+stime of the peer's processes per answered request.");
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
