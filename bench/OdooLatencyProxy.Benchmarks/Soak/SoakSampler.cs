using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OdooLatencyProxy.Benchmarks.Hosting;

namespace OdooLatencyProxy.Benchmarks.Soak;

/// <summary>
/// Samples the proxy process every second: VmRSS and Threads from /proc/PID/status, the /proc/PID/fd count, and the
/// the descriptors of loaded code among them, the GC heap after the last collection (the proxy's /metrics), and the
/// busy and queued worker gauges of the admin API's /api/workers (summed over pools and destinations).
/// </summary>
internal sealed class SoakSampler(ProxyProcess proxy)
{
    private readonly List<SoakSample> _samples = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>The phase written on the next samples: idle before, load, after.</summary>
    public string Phase { get; set; } = "before";

    public IReadOnlyList<SoakSample> Samples
    {
        get
        {
            lock (_samples) return [.. _samples];
        }
    }

    public double Seconds => _clock.Elapsed.TotalSeconds;

    public async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        do
        {
            var sample = await TakeAsync();
            lock (_samples) _samples.Add(sample);
        }
        while (await Ticked(timer, stop));
    }

    /// <summary>Samples now, outside the one-second rhythm (the zero check after the load).</summary>
    public async Task<SoakSample> TakeAsync()
    {
        var (rss, threads, handles, code) = proxy.Resources();
        var (busy, queued) = await WorkersAsync();
        return new SoakSample(Math.Round(Seconds, 1), Phase, rss, await GcHeapAsync(), handles, code, threads, busy, queued);
    }

    public async Task<string> WriteCsvAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"odoo-proxy-soak-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv");
        var lines = new List<string> { "seconds,phase,rss_bytes,gc_heap_bytes,handles,code_handles,threads,busy,queued" };
        lines.AddRange(Samples.Select(s => string.Create(CultureInfo.InvariantCulture,
            $"{s.Seconds},{s.Phase},{s.RssBytes},{s.GcHeapBytes},{s.Handles},{s.CodeHandles},{s.Threads},{s.Busy},{s.Queued}")));
        await File.WriteAllLinesAsync(path, lines);
        return path;
    }

    private static async Task<bool> Ticked(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    // Summed over generations, as the exporter writes one sample per generation; -1 when /metrics did not answer.
    private async Task<long> GcHeapAsync()
    {
        try
        {
            var metrics = await proxy.Admin.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            return (long)metrics.Split('\n')
                .Where(l => l.StartsWith("dotnet_gc_last_collection_heap_size_bytes", StringComparison.Ordinal))
                .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return -1;
        }
    }

    // -1 when the admin API did not answer in time: the sample still counts for memory and handles.
    private async Task<(int Busy, int Queued)> WorkersAsync()
    {
        try
        {
            using var document = JsonDocument.Parse(await proxy.Admin.GetStringAsync(new Uri("/api/workers", UriKind.Relative)));
            int busy = 0, queued = 0;
            foreach (var pool in document.RootElement.EnumerateArray())
            {
                queued += pool.GetProperty("queued").GetInt32();
                busy += pool.GetProperty("destinations").EnumerateArray().Sum(d => d.GetProperty("busy").GetInt32());
            }
            return (busy, queued);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (-1, -1);
        }
    }
}
