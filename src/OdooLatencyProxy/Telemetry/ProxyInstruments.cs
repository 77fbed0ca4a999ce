using System.Globalization;
using OdooLatencyProxy.Odoo.Metrics;
using OdooLatencyProxy.Configuration;

namespace OdooLatencyProxy.Telemetry;

/// <summary>
/// Every request-path instrument, declared once: <see cref="OdooMeter"/> and <see cref="DestinationHealthMetrics"/> create
/// them from these rows and the metric catalog lists them. Names, units and attributes follow the OpenTelemetry HTTP
/// semantic conventions (https://opentelemetry.io/docs/specs/semconv/http/http-metrics/) where they apply.
/// </summary>
/// <remarks>
/// A row can depend on configuration: the request histograms' buckets include the configured thresholds, and the
/// saturation descriptions name the configured occupancy threshold.
/// </remarks>
internal sealed class ProxyInstruments
{
    /// <summary>The catalog's source of these instruments.</summary>
    public const string Source = "proxy";

    /// <summary>The contract's bucket boundaries (s) of both request histograms, before the configured thresholds are added.</summary>
    public static readonly double[] ContractBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300];

    /// <summary>Bucket boundaries of the query count histogram (queries per request).</summary>
    public static readonly double[] QueryBuckets = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

    private static readonly string[] Destination = ["odoo.destination", "odoo.pool"];

    /// <summary>The rows for <paramref name="saturationThreshold"/> (share of busy workers) and the request histograms' <paramref name="requestBuckets"/>.</summary>
    public ProxyInstruments(double saturationThreshold, IReadOnlyList<double> requestBuckets)
    {
        var saturated = $"at or above {(saturationThreshold * 100).ToString("0.##", CultureInfo.InvariantCulture)} % worker occupancy";
        var windows = string.Join(", ", LatencyWindows.Windows.Select(w => w.Name));

        RequestDuration = new(Source, "odoo.request.duration", MetricKind.Histogram, "s", ["odoo.operation", "odoo.outcome", "http.response.status_code", "odoo.error"],
            "Time from the request's arrival at the proxy to the end of its response (queue, Odoo, transfer), per operation, outcome and status (odoo.error only on rpc_error); realtime excluded.")
        { Buckets = requestBuckets };
        QueueDuration = new(Source, "odoo.request.queue.duration", MetricKind.Histogram, "s", ["odoo.operation"],
            "Time a request waited in the proxy's queue for an Odoo worker (0 when one was free), rejected requests included.")
        { Buckets = requestBuckets };
        Latency = new(Source, "odoo.request.latency", MetricKind.Gauge, "s", ["odoo.operation", "quantile", "window"],
            $"Exact latency quantiles ({string.Join(", ", LatencyWindows.QuantileNames)}; HdrHistogram, 3 significant digits) per operation over sliding windows ({windows}); per instance, not aggregatable.");
        WorkersBusy = new(Source, "odoo.workers.busy", MetricKind.Gauge, "{worker}", Destination,
            "Odoo workers of the destination holding a proxied request now.");
        WorkersLimit = new(Source, "odoo.workers.limit", MetricKind.Gauge, "{worker}", Destination,
            "Odoo workers of the destination (the admission limit; 0 = not limited).");
        WorkersQueued = new(Source, "odoo.workers.queued", MetricKind.Gauge, "{request}", Destination,
            "Requests waiting in the pool's queue for a worker; the queue is per pool, so odoo.destination carries the pool name.");
        Saturation = new(Source, "odoo.workers.saturation", MetricKind.Gauge, "1", [.. Destination, "window"],
            $"Share of the window ({windows}) the destination spent {saturated}, from every busy-count change.");
        SaturatedTime = new(Source, "odoo.workers.saturated_time", MetricKind.Counter, "s", Destination,
            $"Total time the destination spent {saturated} (rate() gives the share over any window).");
        Rejected = new(Source, "odoo.requests.rejected", MetricKind.Counter, "{request}", ["odoo.operation", "reason"],
            "Requests refused by the worker queue with 503: queue_full or queue_timeout.");
        RealtimeConnections = new(Source, "odoo.realtime.connections", MetricKind.Gauge, "{connection}", [],
            "Websocket and long-polling requests open now (never in odoo.request.duration).");
        // No unit: a 0/1 state, not a ratio.
        DestinationHealthy = new(Source, "odoo.destination.healthy", MetricKind.Gauge, null, Destination,
            "1 while the Odoo destination is in rotation, 0 while YARP's active or passive health check marks it unhealthy.");

        const string FromLog = "from Odoo's access line joined to the proxied request (needs --odoo-log)";
        SqlDuration = new(Source, "odoo.request.sql.duration", MetricKind.Histogram, "s", ["odoo.operation"],
            $"Time Odoo spent in SQL for the request, per operation, {FromLog}.")
        { Buckets = ContractBuckets };
        PythonDuration = new(Source, "odoo.request.python.duration", MetricKind.Histogram, "s", ["odoo.operation"],
            $"Time Odoo spent outside SQL for the request (Python, rendering), per operation, {FromLog}.")
        { Buckets = ContractBuckets };
        SqlQueries = new(Source, "odoo.request.sql.queries", MetricKind.Histogram, "{query}", ["odoo.operation"],
            $"SQL queries Odoo ran for the request, per operation, {FromLog}.")
        { Buckets = QueryBuckets };
        CostTime = new(Source, "odoo.request.cost.time", MetricKind.Gauge, "s", ["odoo.operation", "odoo.cost", "quantile", "window"],
            $"Exact quantiles of Odoo's SQL (odoo.cost=sql) and Python (odoo.cost=python) time per request, per operation over sliding windows ({windows}); per instance, not aggregatable.");
        CostQueries = new(Source, "odoo.request.cost.queries", MetricKind.Gauge, "{query}", ["odoo.operation", "quantile", "window"],
            $"Exact quantiles of the SQL query count per request, per operation over sliding windows ({windows}); per instance, not aggregatable.");
        AccessLogLines = new(Source, "odoo.access_log.lines", MetricKind.Counter, "{line}", ["result"],
            "Odoo access lines read: matched (joined to a proxied request), unmatched (no proxied request fits), ambiguous (requests of different operations fit; not attributed).");
        AccessLogUnlogged = new(Source, "odoo.access_log.unlogged", MetricKind.Counter, "{request}", ["reason"],
            "Proxied requests that reached Odoo but were not joined to an access line: no_line (none came in time: crashed or killed worker, another host, log unreadable), dropped (too many waiting).");

        All = [RequestDuration, QueueDuration, Latency, SqlDuration, PythonDuration, SqlQueries, CostTime, CostQueries, AccessLogLines, AccessLogUnlogged, WorkersBusy, WorkersLimit, WorkersQueued, Saturation, SaturatedTime, Rejected, RealtimeConnections, DestinationHealthy];
    }

    /// <summary>The rows with the default saturation threshold and the contract's buckets.</summary>
    public static ProxyInstruments Default { get; } = new(new TelemetryOptions().SaturationThreshold, ContractBuckets);

    public MetricDefinition RequestDuration { get; }
    public MetricDefinition QueueDuration { get; }
    public MetricDefinition Latency { get; }
    public MetricDefinition SqlDuration { get; }
    public MetricDefinition PythonDuration { get; }
    public MetricDefinition SqlQueries { get; }
    public MetricDefinition CostTime { get; }
    public MetricDefinition CostQueries { get; }
    public MetricDefinition AccessLogLines { get; }
    public MetricDefinition AccessLogUnlogged { get; }
    public MetricDefinition WorkersBusy { get; }
    public MetricDefinition WorkersLimit { get; }
    public MetricDefinition WorkersQueued { get; }
    public MetricDefinition Saturation { get; }
    public MetricDefinition SaturatedTime { get; }
    public MetricDefinition Rejected { get; }
    public MetricDefinition RealtimeConnections { get; }
    public MetricDefinition DestinationHealthy { get; }

    /// <summary>Every row, in the order docs/metrics.md lists them.</summary>
    public IReadOnlyList<MetricDefinition> All { get; }

    /// <summary>The contract's boundaries merged with <paramref name="thresholds"/>, sorted and distinct.</summary>
    public static double[] WithThresholds(IEnumerable<double> thresholds) =>
        [.. ContractBuckets.Concat(thresholds.Where(t => t > 0 && double.IsFinite(t))).Distinct().Order()];
}
