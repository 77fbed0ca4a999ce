namespace OdooLatencyProxy.Telemetry;

/// <summary>What kind of instrument a metric is, and so which Prometheus series it becomes.</summary>
public enum MetricKind
{
    /// <summary>Monotonic counter: <c>NAME_total</c>.</summary>
    Counter,
    /// <summary>Gauge (observable gauge): <c>NAME</c>.</summary>
    Gauge,
    /// <summary>Histogram with explicit buckets: <c>NAME_bucket</c>, <c>NAME_sum</c>, <c>NAME_count</c>.</summary>
    Histogram,
}

/// <summary>One instrument the project emits: OTel name, unit, kind, attributes, and the Prometheus name it becomes.</summary>
public sealed record MetricDefinition(string Name, MetricKind Kind, string? Unit, string Source, IReadOnlyList<string> Attributes, string Description)
{
    /// <summary>
    /// The Prometheus metric family name the OTel Prometheus exporter (1.20.1-beta.1) makes of it: dots to underscores,
    /// <c>_seconds</c> for unit <c>s</c>, <c>_bytes</c> for <c>By</c>; <c>1</c> and <c>{...}</c> units add nothing
    /// (checked by scraping); <c>_total</c> on counters.
    /// </summary>
    public string PrometheusName
    {
        get
        {
            var name = Name.Replace('.', '_');
            name += Unit switch
            {
                "s" => "_seconds",
                "By" => "_bytes",
                _ => "",
            };
            return Kind == MetricKind.Counter ? name + "_total" : name;
        }
    }

    /// <summary>The series names a query can use: the family name, or <c>_bucket/_sum/_count</c> for histograms.</summary>
    public IReadOnlyList<string> PrometheusSeries => Kind == MetricKind.Histogram
        ? [PrometheusName + "_bucket", PrometheusName + "_sum", PrometheusName + "_count"]
        : [PrometheusName];

    /// <summary>Attributes as Prometheus labels (dots become underscores).</summary>
    public IReadOnlyList<string> PrometheusLabels => [.. Attributes.Select(a => a.Replace('.', '_'))];
}

/// <summary>
/// Every instrument the project emits on the <c>OdooLatencyProxy</c> meter, request path and collector. Dashboards,
/// alert rules and docs/metrics.md are checked against it; a test checks it against the instruments actually created.
/// The process and runtime metrics of OpenTelemetry.Instrumentation.Process/Runtime are exported beside these and not listed.
/// </summary>
public static class MetricCatalog
{
    /// <summary>Source of the request-path instruments (Telemetry/OdooMeter.cs).</summary>
    public const string Proxy = "proxy";

    /// <summary>Source of the database collector's instruments (Collector/CollectorMetrics.cs).</summary>
    public const string Collector = "collector";

    /// <summary>Every instrument, request path first.</summary>
    public static IReadOnlyList<MetricDefinition> All { get; } =
    [
        new("odoo.request.duration", MetricKind.Histogram, "s", Proxy, ["odoo.operation", "odoo.outcome", "http.response.status_code", "odoo.error"],
            "Total time per request (realtime excluded); odoo.error only on rpc_error."),
        new("odoo.request.queue.duration", MetricKind.Histogram, "s", Proxy, ["odoo.operation"],
            "Time waited in the proxy's queue for a worker (admission-controlled requests, rejections included)."),
        new("odoo.request.latency", MetricKind.Gauge, "s", Proxy, ["odoo.operation", "quantile", "window"],
            "Exact HdrHistogram quantiles (0.5, 0.95, 0.99, 0.999, 1) over 1m and 5m; per instance."),
        new("odoo.workers.busy", MetricKind.Gauge, "{worker}", Proxy, ["odoo.destination", "odoo.pool"], "Workers holding a request."),
        new("odoo.workers.limit", MetricKind.Gauge, "{worker}", Proxy, ["odoo.destination", "odoo.pool"], "Workers per destination (0 = not limited)."),
        new("odoo.workers.queued", MetricKind.Gauge, "{request}", Proxy, ["odoo.destination", "odoo.pool"],
            "Requests queued for a worker; per pool (odoo.destination holds the pool name)."),
        new("odoo.workers.saturation", MetricKind.Gauge, "1", Proxy, ["odoo.destination", "odoo.pool", "window"],
            "Share of the window (1m, 5m) spent at or above 90 % occupancy."),
        new("odoo.workers.saturated_time", MetricKind.Counter, "s", Proxy, ["odoo.destination", "odoo.pool"],
            "Total time spent at or above 90 % occupancy."),
        new("odoo.requests.rejected", MetricKind.Counter, "{request}", Proxy, ["odoo.operation", "reason"], "Requests refused by the queue (queue_full, queue_timeout)."),
        new("odoo.realtime.connections", MetricKind.Gauge, "{connection}", Proxy, [], "Open websocket and long-polling requests."),
        new("odoo.destination.healthy", MetricKind.Gauge, null, Proxy, ["odoo.destination", "odoo.pool"],
            "1 while the destination is in rotation, 0 while YARP's active or passive health check marks it unhealthy."),

        new("odoo.queue_job.finished", MetricKind.Counter, "{job}", Collector, ["channel", "state"], "queue_job jobs that reached done or failed."),
        new("odoo.queue_job.retries", MetricKind.Counter, "{retry}", Collector, ["channel"], "Attempts beyond the first of finished jobs."),
        new("odoo.queue_job.execution.duration", MetricKind.Histogram, "s", Collector, ["channel"], "exec_time of jobs finished done."),
        new("odoo.queue_job.wait.duration", MetricKind.Histogram, "s", Collector, ["channel"], "Enqueue to start of finished jobs."),
        new("odoo.queue_job.jobs", MetricKind.Gauge, "{job}", Collector, ["channel", "state"], "Jobs per unfinished state (and failed)."),
        new("odoo.queue_job.oldest_pending.age", MetricKind.Gauge, "s", Collector, ["channel"], "Age of the oldest job waiting to run."),
        new("odoo.cron.interval", MetricKind.Gauge, "s", Collector, ["cron"], "Expected interval between runs."),
        new("odoo.cron.last_run.timestamp", MetricKind.Gauge, "s", Collector, ["cron"], "Unix time of the last run."),
        new("odoo.cron.last_success.timestamp", MetricKind.Gauge, "s", Collector, ["cron"], "Unix time of the last known success."),
        new("odoo.cron.next_call.timestamp", MetricKind.Gauge, "s", Collector, ["cron"], "Unix time the cron is due next."),
        new("odoo.cron.watched_since.timestamp", MetricKind.Gauge, "s", Collector, ["cron"], "Unix time since which successes are seen."),
        new("odoo.cron.consecutive_failures", MetricKind.Gauge, "{failure}", Collector, ["cron"], "Consecutive failed runs (18/19)."),
        new("odoo.cron.failures", MetricKind.Counter, "{failure}", Collector, ["cron"], "Failed cron runs."),
        new("odoo.sale_order.confirmation.duration", MetricKind.Histogram, "s", Collector, [], "Creation to confirmation of sale orders."),
        new("odoo.integration.operations", MetricKind.Counter, "{operation}", Collector, ["odoo.integration", "odoo.outcome"], "Finished integration operations."),
        new("odoo.integration.payment.open_transactions", MetricKind.Gauge, "{transaction}", Collector, ["provider", "state"], "Payment transactions not yet final."),
        new("odoo.db.connections", MetricKind.Gauge, "{connection}", Collector, ["state", "client"], "Connections to Odoo's database."),
        new("odoo.db.connections.max", MetricKind.Gauge, "{connection}", Collector, [], "PostgreSQL max_connections."),
        new("odoo.db.statement.top.total_time", MetricKind.Gauge, "s", Collector, ["rank", "db.query.id", "db.query.text"], "Top statements by total time in the last interval."),
        new("odoo.db.statement.top.calls", MetricKind.Gauge, "{call}", Collector, ["rank", "db.query.id", "db.query.text"], "Calls of the top statements in the last interval."),
        new("odoo.db.statement.top.mean_time", MetricKind.Gauge, "s", Collector, ["rank", "db.query.id", "db.query.text"], "Mean time of the top statements in the last interval."),
        new("odoo.db.statement.slow", MetricKind.Counter, "{call}", Collector, [], "Calls of statements judged slow."),
        new("odoo.db.transaction.oldest.age", MetricKind.Gauge, "s", Collector, [], "Age of the oldest open transaction."),
        new("odoo.db.query.longest.age", MetricKind.Gauge, "s", Collector, [], "Age of the longest-running active query."),
        new("odoo.collector.errors", MetricKind.Counter, "{error}", Collector, ["probe"], "Failed polls of a collector probe."),
        new("odoo.collector.probe.up", MetricKind.Gauge, null, Collector, ["probe"], "1 when the probe's last poll succeeded, 0 when it failed."),
    ];

    /// <summary>Looks up an instrument by its OTel name.</summary>
    public static MetricDefinition? Find(string name) => All.FirstOrDefault(m => m.Name == name);
}
