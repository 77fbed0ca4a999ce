using System.Reflection;
using OdooLatencyProxy.AccessLog;
using OdooLatencyProxy.Admission;
using OdooLatencyProxy.Collector;
using OdooLatencyProxy.Odoo.Classification;
using OdooLatencyProxy.SlowRequests;
using OdooLatencyProxy.Telemetry;
using OdooLatencyProxy.Configuration;

namespace OdooLatencyProxy.Status;

/// <summary>
/// The admin listener's live view: the JSON API (docs/api.md) and the self-refreshing status page that reads it.
/// Everything here comes from the telemetry's own structures; nothing holds headers, cookies, query strings or bodies.
/// </summary>
internal static class StatusEndpoints
{
    private const string PageResource = "OdooLatencyProxy.Status.status.html";

    public static void MapStatusApi(this IEndpointRouteBuilder app, IServiceProvider proxyServices)
    {
        var latency = proxyServices.GetRequiredService<LatencyWindows>();
        var saturation = proxyServices.GetRequiredService<WorkerSaturation>();
        var inFlight = proxyServices.GetRequiredService<InFlightRegistry>();
        var pools = proxyServices.GetRequiredService<WorkerPools>();
        var meter = proxyServices.GetRequiredService<OdooMeter>();
        var classifier = proxyServices.GetRequiredService<RequestClassifier>();
        var options = proxyServices.GetRequiredService<TelemetryOptions>();
        var time = proxyServices.GetRequiredService<TimeProvider>();
        var slow = proxyServices.GetRequiredService<SlowRequestLog>();
        // The collector (and its pg_stat_activity history) lives in the admin host; a host without it samples nothing.
        var activity = app.ServiceProvider.GetService<ActivityHistory>();
        var page = LoadPage();
        // Present with --odoo-log: the access-line join and the per-operation cost it feeds.
        var join = proxyServices.GetService<AccessLogJoin>();
        var costs = proxyServices.GetService<CostWindows>();

        app.MapGet("/api/operations", () => Results.Json(Operations(latency.Snapshot(), classifier), StatusJson.Default.OperationsDocument));
        app.MapGet("/api/costs", () => Results.Json(Costs(costs, join, time), StatusJson.Default.CostsDocument));
        app.MapGet("/api/saturation", () => Results.Json(Saturation(saturation, pools, time, withHistory: false), StatusJson.Default.SaturationDocument));
        app.MapGet("/api/inflight", () => Results.Json(new InFlightDocument(time.GetUtcNow(), inFlight.Snapshot()), StatusJson.Default.InFlightDocument));
        app.MapGet("/api/slow-requests", () => Results.Json(SlowRequests(slow, activity, time), StatusJson.Default.SlowRequestsDocument));
        var catalog = new MetricCatalog(meter.Instruments);
        app.MapGet("/api/metrics/catalog", () => Results.Json(
            catalog.All.Select(m => new MetricDocument(m.Name, m.Kind.ToString().ToLowerInvariant(), m.Unit, m.Source, m.Attributes, m.Buckets, m.Description)),
            StatusJson.Default.IEnumerableMetricDocument));
        app.MapGet("/api/status", () =>
        {
            var snapshot = latency.Snapshot();
            return Results.Json(
                new StatusDocument(
                    time.GetUtcNow(),
                    options.Enabled,
                    Operations(snapshot, classifier).Operations,
                    pools.Snapshot(),
                    Saturation(saturation, pools, time, withHistory: true),
                    saturation.QueueHistory(),
                    inFlight.Snapshot(),
                    SlowRequests(slow, activity, time),
                    meter.RealtimeConnections,
                    join?.Status()),
                StatusJson.Default.StatusDocument);
        });
        app.MapGet("/status", () => Results.Text(page, "text/html; charset=utf-8"));
    }

    /// <summary>The <c>/api/operations</c> document (shape in docs/api.md; the load-test harness reads it).</summary>
    public static OperationsDocument Operations(LatencySnapshot snapshot, RequestClassifier classifier) => new(
        snapshot.GeneratedAt,
        [.. snapshot.Operations.Select(o => new OperationDocument(
            o.Operation.Name,
            o.Operation.ThresholdSeconds ?? classifier.FindOperation(o.Operation.Name)?.ThresholdSeconds,
            LatencyWindows.Windows.Select((w, i) => (w.Name, Window(o.Windows[i]))).ToDictionary(p => p.Name, p => p.Item2)))]);

    // What the page and /api/slow-requests show: the kept requests and how the statements beside them are sampled.
    private static SlowRequestsDocument SlowRequests(SlowRequestLog slow, ActivityHistory? activity, TimeProvider time) => new(
        time.GetUtcNow(),
        slow.Capacity,
        slow.DefaultThreshold.TotalSeconds,
        new StatementSamplingDocument(
            activity?.Sampling ?? false,
            activity?.Sampling == true ? activity.Interval.TotalSeconds : null,
            activity?.LastSampleAt),
        slow.Snapshot(activity?.Sampling ?? false));

    /// <summary>The <c>/api/costs</c> document: Odoo's own SQL time, Python time and query count per operation (docs/api.md).</summary>
    private static CostsDocument Costs(CostWindows? costs, AccessLogJoin? join, TimeProvider time)
    {
        if (costs is null) return new CostsDocument(time.GetUtcNow(), null, []);
        var sql = costs.Sql.Snapshot().Operations.ToDictionary(o => o.Operation.Name, StringComparer.Ordinal);
        var python = costs.Python.Snapshot().Operations.ToDictionary(o => o.Operation.Name, StringComparer.Ordinal);
        return new CostsDocument(
            time.GetUtcNow(),
            join?.Status(),
            costs.Queries.Snapshot().Operations.Select(q => new CostOperationDocument(
                q.Operation.Name,
                LatencyWindows.Windows.Select((w, i) => (w.Name, Index: i)).ToDictionary(w => w.Name, w => new CostWindowDocument(
                    q.Windows[w.Index].Count,
                    Quantiles(q.Windows[w.Index]),
                    Quantiles(sql.GetValueOrDefault(q.Operation.Name)?.Windows[w.Index]),
                    Quantiles(python.GetValueOrDefault(q.Operation.Name)?.Windows[w.Index]))))));
    }

    private static QuantilesDocument? Quantiles(WindowStats? s) =>
        s?.Seconds is { } v ? new QuantilesDocument(v[0], v[1], v[2], v[3], v[4]) : null;

    private static WindowDocument Window(WindowStats s) => new(
        s.Count, s.RatePerSecond, s.FailureRate,
        s.Seconds?[0], s.Seconds?[1], s.Seconds?[2], s.Seconds?[3], s.Seconds?[4]);

    // Busy and limit are the pool's live numbers; the saturation tracker has the history.
    private static SaturationDocument Saturation(WorkerSaturation saturation, WorkerPools pools, TimeProvider time, bool withHistory)
    {
        var live = pools.Snapshot().SelectMany(p => p.Destinations).ToDictionary(d => d.Destination, StringComparer.Ordinal);
        return new SaturationDocument(
            time.GetUtcNow(),
            saturation.Threshold,
            withHistory ? WorkerSaturation.HistorySeconds : null,
            saturation.Destinations(withHistory).Select(d => new SaturationDestinationDocument(
                d.Pool,
                d.Destination,
                live.GetValueOrDefault(d.Destination)?.Busy ?? 0,
                live.GetValueOrDefault(d.Destination)?.Limit ?? 0,
                live.GetValueOrDefault(d.Destination) is { Limit: > 0 } n ? (double)n.Busy / n.Limit : null,
                LatencyWindows.Windows.Select((w, i) => (w.Name, d.SaturatedShare[i])).ToDictionary(p => p.Name, p => p.Item2),
                d.SaturatedSeconds,
                d.BusyHistory)));
    }

    private static string LoadPage()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(PageResource)
            ?? throw new InvalidOperationException($"Embedded resource {PageResource} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary><c>GET /api/operations</c>.</summary>
internal sealed record OperationsDocument(DateTimeOffset GeneratedAt, IReadOnlyList<OperationDocument> Operations);

/// <summary>One operation: its configured threshold (s) or null, and its figures per window (<c>1m</c>, <c>5m</c>).</summary>
internal sealed record OperationDocument(string Operation, double? ThresholdSeconds, IReadOnlyDictionary<string, WindowDocument> Windows);

/// <summary>One window: count, rate (1/s), share of requests whose outcome is not ok, quantiles and max in seconds (null without requests).</summary>
internal sealed record WindowDocument(long Count, double RatePerSecond, double FailureRate, double? P50, double? P95, double? P99, double? P999, double? Max);

/// <summary>Quantiles and max of one value over a window (seconds, or a count).</summary>
internal sealed record QuantilesDocument(double P50, double P95, double P99, double P999, double Max);
