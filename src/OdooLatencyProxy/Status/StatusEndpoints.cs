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

        app.MapGet("/api/operations", () => Json(Operations(latency.Snapshot(), classifier)));
        app.MapGet("/api/costs", () => Json(Costs(costs, join, time)));
        app.MapGet("/api/saturation", () => Json(Saturation(saturation, pools, time, withHistory: false)));
        app.MapGet("/api/inflight", () => Json(new { generatedAt = time.GetUtcNow(), requests = inFlight.Snapshot() }));
        app.MapGet("/api/slow-requests", () => Json(SlowRequests(slow, activity, time)));
        var catalog = new MetricCatalog(meter.Instruments);
        app.MapGet("/api/metrics/catalog", () => Json(catalog.All.Select(m => new
        {
            name = m.Name,
            kind = m.Kind.ToString().ToLowerInvariant(),
            unit = m.Unit,
            source = m.Source,
            attributes = m.Attributes,
            buckets = m.Buckets,
            description = m.Description,
        })));
        app.MapGet("/api/status", () =>
        {
            var snapshot = latency.Snapshot();
            return Json(new
            {
                generatedAt = time.GetUtcNow(),
                telemetryEnabled = options.Enabled,
                operations = Operations(snapshot, classifier).Operations,
                workers = pools.Snapshot(),
                saturation = Saturation(saturation, pools, time, withHistory: true),
                queueHistory = saturation.QueueHistory(),
                inflight = inFlight.Snapshot(),
                slowRequests = SlowRequests(slow, activity, time),
                realtimeConnections = meter.RealtimeConnections,
                accessLog = join?.Status(),
            });
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
    private static object SlowRequests(SlowRequestLog slow, ActivityHistory? activity, TimeProvider time) => new
    {
        generatedAt = time.GetUtcNow(),
        capacity = slow.Capacity,
        defaultThresholdSeconds = slow.DefaultThreshold.TotalSeconds,
        statementSampling = new
        {
            enabled = activity?.Sampling ?? false,
            intervalSeconds = activity?.Sampling == true ? activity.Interval.TotalSeconds : (double?)null,
            lastSampleAt = activity?.LastSampleAt,
        },
        requests = slow.Snapshot(activity?.Sampling ?? false),
    };

    /// <summary>The <c>/api/costs</c> document: Odoo's own SQL time, Python time and query count per operation (docs/api.md).</summary>
    private static object Costs(CostWindows? costs, AccessLogJoin? join, TimeProvider time)
    {
        if (costs is null) return new { generatedAt = time.GetUtcNow(), accessLog = (AccessLogStatus?)null, operations = Array.Empty<object>() };
        var sql = costs.Sql.Snapshot().Operations.ToDictionary(o => o.Operation.Name, StringComparer.Ordinal);
        var python = costs.Python.Snapshot().Operations.ToDictionary(o => o.Operation.Name, StringComparer.Ordinal);
        return new
        {
            generatedAt = time.GetUtcNow(),
            accessLog = join?.Status(),
            operations = costs.Queries.Snapshot().Operations.Select(q => new
            {
                operation = q.Operation.Name,
                windows = LatencyWindows.Windows.Select((w, i) => (w.Name, Index: i)).ToDictionary(w => w.Name, w => new
                {
                    count = q.Windows[w.Index].Count,
                    queries = Quantiles(q.Windows[w.Index]),
                    sqlSeconds = Quantiles(sql.GetValueOrDefault(q.Operation.Name)?.Windows[w.Index]),
                    pythonSeconds = Quantiles(python.GetValueOrDefault(q.Operation.Name)?.Windows[w.Index]),
                }),
            }),
        };
    }

    private static QuantilesDocument? Quantiles(WindowStats? s) =>
        s?.Seconds is { } v ? new QuantilesDocument(v[0], v[1], v[2], v[3], v[4]) : null;

    private static WindowDocument Window(WindowStats s) => new(
        s.Count, s.RatePerSecond, s.FailureRate,
        s.Seconds?[0], s.Seconds?[1], s.Seconds?[2], s.Seconds?[3], s.Seconds?[4]);

    // Busy and limit are the pool's live numbers; the saturation tracker has the history.
    private static object Saturation(WorkerSaturation saturation, WorkerPools pools, TimeProvider time, bool withHistory)
    {
        var live = pools.Snapshot().SelectMany(p => p.Destinations).ToDictionary(d => d.Destination, StringComparer.Ordinal);
        return Saturation(saturation, live, time, withHistory);
    }

    private static object Saturation(WorkerSaturation saturation, Dictionary<string, DestinationSnapshot> live, TimeProvider time, bool withHistory) => new
    {
        generatedAt = time.GetUtcNow(),
        threshold = saturation.Threshold,
        historySeconds = withHistory ? WorkerSaturation.HistorySeconds : (int?)null,
        destinations = saturation.Destinations(withHistory).Select(d => new
        {
            pool = d.Pool,
            destination = d.Destination,
            busy = live.GetValueOrDefault(d.Destination)?.Busy ?? 0,
            limit = live.GetValueOrDefault(d.Destination)?.Limit ?? 0,
            occupancy = live.GetValueOrDefault(d.Destination) is { Limit: > 0 } n ? (double)n.Busy / n.Limit : (double?)null,
            saturatedShare = LatencyWindows.Windows.Select((w, i) => (w.Name, d.SaturatedShare[i])).ToDictionary(p => p.Name, p => p.Item2),
            saturatedSeconds = d.SaturatedSeconds,
            busyHistory = d.BusyHistory,
        }),
    };

    private static IResult Json(object value) => StatusJson.Result(value);

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
