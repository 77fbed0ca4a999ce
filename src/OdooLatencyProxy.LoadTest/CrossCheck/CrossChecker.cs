using System.Diagnostics;
using HdrHistogram;
using OdooLatencyProxy.LoadTest.Engine;
using OdooLatencyProxy.LoadTest.Results;

namespace OdooLatencyProxy.LoadTest.CrossCheck;

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
                var judgesP95 = count >= settings.MinCountForP95;
                var p50Agrees = Within(client.P50, proxyWindow.P50 ?? double.NaN, settings);
                var p95Agrees = !judgesP95 || Within(client.P95, proxyWindow.P95 ?? double.NaN, settings);
                agrees = p50Agrees && p95Agrees;
                if (!judgesP95) note = $"fewer than {settings.MinCountForP95} requests: p50 judged, p95 is one request";
                // Which percentile missed, by how much: a disagreement names its figures.
                if (!p50Agrees) note = Join(note, Missed("p50", client.P50, proxyWindow.P50 ?? double.NaN));
                if (!p95Agrees) note = Join(note, Missed("p95", client.P95, proxyWindow.P95 ?? double.NaN));
            }

            rows.Add(new CrossCheckRow(name, count, proxyWindow.Count, client.P50, proxyWindow.P50 ?? double.NaN, client.P95, proxyWindow.P95 ?? double.NaN, client.P99, proxyWindow.P99 ?? double.NaN,
                count == 0 ? 0 : (double)failures / count, proxyWindow.FailureRate, agrees, note));
        }

        return rows;
    }

    private static string Missed(string percentile, double client, double proxy) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{percentile}: client {client * 1000:0.###} ms, proxy {proxy * 1000:0.###} ms");

    private static string Join(string? note, string more) => note is null ? more : note + "; " + more;

    /// <summary>The agreement rule of <see cref="AgreementSettings"/> for one percentile.</summary>
    public static bool Within(double client, double proxy, AgreementSettings settings)
    {
        var hdr = 2 * AgreementSettings.HdrRelativeError * Math.Max(client, proxy);
        return client >= proxy - hdr - settings.ProxyClockLag.TotalSeconds && client <= proxy + settings.Absolute.TotalSeconds + settings.Relative * proxy + hdr;
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
