using System.Diagnostics;
using System.Globalization;
using OdooLatencyProxy.Benchmarks.Hosting;
using OdooSimulator;
using OdooSimulator.Hosting;

namespace OdooLatencyProxy.Benchmarks.Soak;

/// <summary>
/// <c>soak [--minutes M]</c>: the real proxy process (3 workers) in front of the simulator for M minutes (default 10)
/// of mixed load: the load-test harness's sales-day scenario (normal JSON-RPC operations) beside <see cref="SoakLoad"/>'s
/// lanes. Samples the proxy every second into a CSV and judges the run with <see cref="SoakVerdict"/>.
/// </summary>
internal static class SoakCommand
{
    private const int Workers = 3;
    private static readonly TimeSpan s_idleBefore = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan s_idleAfter = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(string[] args)
    {
        var minutes = Option(args, "--minutes", 10.0);
        await using var simulator = await OdooSimulatorServer.StartAsync(new SimulatorOptions
        {
            Workers = Workers,
            LatencyScale = 0.5,
            LongPollingTimeout = TimeSpan.FromSeconds(5),
        });
        await using var proxy = await ProxyProcess.StartAsync(["--upstream", Base(simulator.HttpUri), "--gevent-upstream", Base(simulator.GeventUri),
            "--workers", Workers.ToString(CultureInfo.InvariantCulture), "--max-queue", "100"]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"soak: proxy PID {proxy.Process.Id} ({Workers} workers) in front of the simulator ({Workers} workers); {s_idleBefore.TotalSeconds:F0} s idle, {minutes} min load, {s_idleAfter.TotalSeconds:F0} s idle"));

        var sampler = new SoakSampler(proxy);
        using var sampling = new CancellationTokenSource();
        var sampled = sampler.RunAsync(sampling.Token);
        await Task.Delay(s_idleBefore);
        var handlesBefore = proxy.HandleKinds();

        sampler.Phase = "load";
        var harnessOutput = Path.Combine(Path.GetTempPath(), $"odoo-proxy-soak-harness-{Environment.ProcessId}");
        using var harness = StartHarness(proxy, minutes, harnessOutput);
        var harnessLog = harness.StandardOutput.ReadToEndAsync();
        using var load = new SoakLoad(proxy.PublicUri);
        using (var stop = new CancellationTokenSource(TimeSpan.FromMinutes(minutes)))
        {
            await load.RunAsync(stop.Token);
        }
        load.Dispose();
        using (var harnessDeadline = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            await harness.WaitForExitAsync(harnessDeadline.Token);
        }

        // The load has ended: every client is gone. Busy and queued must fall to zero.
        sampler.Phase = "after";
        var ended = sampler.Seconds;
        double? zeroAfter = null;
        while (sampler.Seconds - ended < 30)
        {
            var now = await sampler.TakeAsync();
            if (now.Busy == 0 && now.Queued == 0)
            {
                zeroAfter = sampler.Seconds - ended;
                break;
            }
            await Task.Delay(250);
        }
        await Task.Delay(s_idleAfter - TimeSpan.FromSeconds(sampler.Seconds - ended));
        await sampling.CancelAsync();
        await sampled;
        var handlesAfter = proxy.HandleKinds();

        Console.WriteLine($"samples: {await sampler.WriteCsvAsync()}");
        Console.WriteLine();
        Console.WriteLine("| lane | iterations | ended otherwise than expected |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (lane, (done, unexpected)) in load.Counts.OrderBy(c => c.Key, StringComparer.Ordinal)) Console.WriteLine($"| {lane} | {done} | {unexpected} |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"simulator: {simulator.Accepted} connections, {simulator.Served} answered, {simulator.Aborted} aborted, at most {simulator.MaxInProgress} at once"));
        var log = (await harnessLog).Split('\n');
        Console.WriteLine($"load-test harness (sales-day), exit code {harness.ExitCode}; its totals:");
        foreach (var line in log.Where(l => l.Contains("total", StringComparison.OrdinalIgnoreCase) || l.StartsWith("running", StringComparison.Ordinal))) Console.WriteLine("  " + line.TrimEnd());
        Console.WriteLine($"proxy log lines at fail/crit: {proxy.Failures.Count}");
        foreach (var failure in proxy.Failures) Console.WriteLine("  " + failure);
        var changed = handlesBefore.Keys.Union(handlesAfter.Keys)
            .Select(kind => (kind, before: handlesBefore.GetValueOrDefault(kind), after: handlesAfter.GetValueOrDefault(kind)))
            .Where(k => k.before != k.after);
        Console.WriteLine("handles that changed from the start to 60 s after the load: "
            + string.Join(", ", changed.Select(k => $"{k.kind} {k.before} -> {k.after}")));
        Console.WriteLine();

        var verdict = new SoakVerdict(sampler.Samples, zeroAfter);
        verdict.Print(Console.Out);
        return verdict.Passed ? 0 : 1;
    }

    // The load-test harness as its own process, so the proxy's figures are not mixed with the harness's.
    private static Process StartHarness(ProxyProcess proxy, double minutes, string output)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = false };
        foreach (var a in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "OdooLatencyProxy.LoadTest.dll"), "run", "sales-day",
            "--target", proxy.PublicUri.ToString(), "--proxy-admin", proxy.Admin.BaseAddress!.ToString(),
            "--duration", string.Create(CultureInfo.InvariantCulture, $"{minutes * 60:F0}s"), "--rate", "4", "--quiet", "--out", output,
        }) start.ArgumentList.Add(a);
        return Process.Start(start)!;
    }

    private static string Base(Uri uri) => uri.GetLeftPart(UriPartial.Authority);

    internal static double Option(string[] args, string name, double fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? double.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
