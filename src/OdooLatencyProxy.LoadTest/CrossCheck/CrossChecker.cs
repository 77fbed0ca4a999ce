using System.Diagnostics;
using HdrHistogram;
using OdooLatencyProxy.LoadTest.Results;

namespace OdooLatencyProxy.LoadTest.CrossCheck;

/// <summary>
/// How close client-side and proxy-side percentiles must be. Both histograms keep 3 significant digits (each value within
/// 0.1 %); the proxy times a request from its own receive to its last byte sent, the client from writing the request to
/// reading the last byte, so the client adds the loopback round trip, connection handling and its own scheduling: the
/// client's percentile must lie between the proxy's (less the HDR error) and the proxy's plus that overhead allowance.
/// </summary>
internal sealed record AgreementSettings
{
    /// <summary>Fixed part of the overhead allowance. Default 5 ms (loopback round trip, HTTP parsing, thread hops).</summary>
    public TimeSpan Absolute { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Part of the allowance proportional to the value (GC and scheduling pauses on a busy host). Default 10 %.</summary>
    public double Relative { get; init; } = 0.10;

    /// <summary>Operations with fewer requests are shown but not judged. Default 10: both sides time the same requests, so even few agree.</summary>
    public long MinCount { get; init; } = 10;

    /// <summary>How long to wait for the proxy's windows to include every request the client finished. Default 15 s.</summary>
    public TimeSpan SettleDeadline { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Relative precision of one HDR histogram with 3 significant digits.</summary>
    public const double HdrRelativeError = 0.001;

    public string Describe() =>
        $"proxy - {HdrRelativeError * 200:0.#}% <= client <= proxy + {Durations.Format(Absolute)} + {Relative * 100:0.#}% of proxy + {HdrRelativeError * 200:0.#}% " +
        "(HDR 3 significant digits on each side; the client also times the loopback round trip and its own HTTP handling, which the proxy, timing from its own receive, does not see)";
}

/// <summary>Client p50/p95/p99 (service time) next to the proxy's for one operation.</summary>
internal sealed record CrossCheckRow(
    string Operation, long ClientCount, long ProxyCount,
    double ClientP50, double ProxyP50, double ClientP95, double ProxyP95, double ClientP99, double ProxyP99,
    double ClientFailureRate, double ProxyFailureRate, bool? Agrees, string? Note);

/// <summary>The cross-check section of a report.</summary>
internal sealed record CrossCheckReport
{
    public required string Admin { get; init; }

    public string? Window { get; init; }

    /// <summary>True when every judged operation agreed; false when one did not; null when nothing could be judged.</summary>
    public bool? Agreed { get; init; }

    public required string Rule { get; init; }

    public string? Error { get; init; }

    public IReadOnlyList<CrossCheckRow> Operations { get; init; } = [];

    public string Summary => Error is not null
        ? $"Cross-check with the proxy at {Admin}: not done ({Error})."
        : Agreed switch
        {
            true => $"Client-side and proxy-side p50/p95 agree within measurement error for all {Operations.Count(o => o.Agrees is not null)} judged operations (proxy window {Window}).",
            false => $"Client-side and proxy-side percentiles DISAGREE beyond measurement error for {string.Join(", ", Operations.Where(o => o.Agrees == false).Select(o => o.Operation))} (proxy window {Window}).",
            null => $"Cross-check with the proxy at {Admin}: no operation had enough requests on both sides to judge.",
        };
}

/// <summary>Reads the proxy's percentiles after a run and holds them against the client's.</summary>
internal static class CrossChecker
{
    public static async Task<CrossCheckReport> RunAsync(ProxyApi api, Uri admin, ResultCollector results, TimeSpan runLength, AgreementSettings settings, CancellationToken cancellationToken)
    {
        var snapshot = results.Snapshot();
        var window = runLength + settings.SettleDeadline < TimeSpan.FromMinutes(5) ? "5m" : "1m";
        ProxyOperations proxy;
        try
        {
            proxy = await SettleAsync(api, admin, snapshot, window, settings, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidDataException or System.Text.Json.JsonException or TaskCanceledException)
        {
            return new CrossCheckReport { Admin = admin.ToString(), Rule = settings.Describe(), Error = $"{ApiName} unavailable: {e.Message}" };
        }

        var rows = Compare(snapshot, proxy, window, ResultCollector.ToMicros(Stopwatch.GetTimestamp() - results.StartTimestamp), settings);
        var judged = rows.Where(r => r.Agrees is not null).ToList();
        return new CrossCheckReport
        {
            Admin = admin.ToString(),
            Window = window,
            Rule = settings.Describe(),
            Agreed = judged.Count == 0 ? null : judged.All(r => r.Agrees == true),
            Operations = rows,
        };
    }

    private const string ApiName = "GET " + ProxyApi.OperationsPath;

    /// <summary>Compares one snapshot with the proxy's figures; the client side keeps the requests that finished inside the proxy's window.</summary>
    public static List<CrossCheckRow> Compare(CollectorSnapshot snapshot, ProxyOperations proxy, string window, long nowUs, AgreementSettings settings)
    {
        var windowUs = window == "1m" ? 60_000_000L : 300_000_000L;
        var rows = new List<CrossCheckRow>();
        for (var index = 0; index < snapshot.Names.Count; index++)
        {
            var name = snapshot.Names[index];
            var histogram = ResultCollector.NewHistogram();
            long failures = 0;
            foreach (var sample in snapshot.Samples)
            {
                if (sample.Operation == index && sample.IntendedUs + sample.LatencyUs >= nowUs - windowUs)
                {
                    histogram.RecordValue(sample.ServiceUs);
                    if (sample.Failed) failures++;
                }
            }

            var proxyOperation = proxy.Operations.FirstOrDefault(o => o.Operation == name);
            var proxyWindow = proxyOperation?.Windows.GetValueOrDefault(window);
            var client = Percentiles.Of(histogram);
            var count = histogram.TotalCount;
            if (proxyWindow is null)
            {
                rows.Add(new CrossCheckRow(name, count, 0, client.P50, double.NaN, client.P95, double.NaN, client.P99, double.NaN,
                    count == 0 ? 0 : (double)failures / count, double.NaN, null, "the proxy has no figures for this operation"));
                continue;
            }

            bool? agrees = null;
            string? note = null;
            if (count < settings.MinCount || proxyWindow.Count < settings.MinCount)
            {
                note = $"fewer than {settings.MinCount} requests: shown, not judged";
            }
            else if (Math.Abs(proxyWindow.Count - count) > count / 100)
            {
                note = $"the proxy's window holds {proxyWindow.Count} requests, the client sent {count}: other traffic or requests outside the window, not judged";
            }
            else
            {
                agrees = Within(client.P50, proxyWindow.P50 ?? double.NaN, settings) && Within(client.P95, proxyWindow.P95 ?? double.NaN, settings);
            }

            rows.Add(new CrossCheckRow(name, count, proxyWindow.Count, client.P50, proxyWindow.P50 ?? double.NaN, client.P95, proxyWindow.P95 ?? double.NaN, client.P99, proxyWindow.P99 ?? double.NaN,
                count == 0 ? 0 : (double)failures / count, proxyWindow.FailureRate, agrees, note));
        }

        return rows;
    }

    /// <summary>The agreement rule of <see cref="AgreementSettings"/> for one percentile.</summary>
    public static bool Within(double client, double proxy, AgreementSettings settings)
    {
        var hdr = 2 * AgreementSettings.HdrRelativeError * Math.Max(client, proxy);
        return client >= proxy - hdr && client <= proxy + settings.Absolute.TotalSeconds + settings.Relative * proxy + hdr;
    }

    private static async Task<ProxyOperations> SettleAsync(ProxyApi api, Uri admin, CollectorSnapshot snapshot, string window, AgreementSettings settings, CancellationToken cancellationToken)
    {
        // The proxy folds requests into its windows on its own schedule: wait (with a deadline) until it has seen all of ours.
        var deadline = Stopwatch.GetTimestamp() + (long)(settings.SettleDeadline.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var proxy = await api.GetOperationsAsync(admin, cancellationToken);
            var caughtUp = snapshot.Operations.Values.All(o =>
                proxy.Operations.FirstOrDefault(p => p.Operation == o.Name)?.Windows.GetValueOrDefault(window)?.Count >= o.Count);
            if (caughtUp || Stopwatch.GetTimestamp() > deadline)
            {
                return proxy;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }
}
