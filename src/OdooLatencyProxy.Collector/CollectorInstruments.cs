using OdooLatencyProxy.Odoo.Metrics;

namespace OdooLatencyProxy.Collector;

/// <summary>
/// Every instrument of the database collector, declared once: <see cref="CollectorMetrics"/> creates them from these rows
/// and the metric catalog lists them. Names follow the OpenTelemetry conventions (dotted, UCUM units).
/// </summary>
internal static class CollectorInstruments
{
    /// <summary>The catalog's source of these instruments.</summary>
    public const string Source = "collector";

    // Queue wait and job run times span milliseconds to hours.
    private static readonly double[] JobBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

    // A quotation is confirmed seconds to days after it was created.
    private static readonly double[] ConfirmationBuckets = [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 259200, 604800];

    private static readonly string[] Channel = ["channel"];
    private static readonly string[] Cron = ["cron"];
    private static readonly string[] Statement = ["rank", "db.query.id", "db.query.text"];

    public static readonly MetricDefinition JobsFinished = new(Source, "odoo.queue_job.finished", MetricKind.Counter, "{job}", ["channel", "state"],
        "queue_job jobs that reached done or failed, counted once each (a requeued job that fails again counts again).");
    public static readonly MetricDefinition JobRetries = new(Source, "odoo.queue_job.retries", MetricKind.Counter, "{retry}", Channel,
        "Attempts beyond the first made by the jobs counted in odoo.queue_job.finished.");
    public static readonly MetricDefinition JobExecution = new(Source, "odoo.queue_job.execution.duration", MetricKind.Histogram, "s", Channel,
        "Processing time (exec_time) of queue_job jobs that finished done.") { Buckets = JobBuckets };
    public static readonly MetricDefinition JobWait = new(Source, "odoo.queue_job.wait.duration", MetricKind.Histogram, "s", Channel,
        "Time from enqueue to start (date_started - date_enqueued) of the last attempt of finished jobs.") { Buckets = JobBuckets };
    public static readonly MetricDefinition JobStates = new(Source, "odoo.queue_job.jobs", MetricKind.Gauge, "{job}", ["channel", "state"],
        "queue_job jobs currently in each unfinished state (and failed).");
    public static readonly MetricDefinition OldestPending = new(Source, "odoo.queue_job.oldest_pending.age", MetricKind.Gauge, "s", Channel,
        "Age of the oldest job waiting to run (pending or enqueued, eta reached).");

    public static readonly MetricDefinition CronInterval = new(Source, "odoo.cron.interval", MetricKind.Gauge, "s", Cron,
        "Expected interval between runs of an active cron (months count as 30 days).");
    public static readonly MetricDefinition CronLastRun = new(Source, "odoo.cron.last_run.timestamp", MetricKind.Gauge, "s", Cron,
        "Unix time of the cron's last run (lastcall), successful or not.");
    public static readonly MetricDefinition CronLastSuccess = new(Source, "odoo.cron.last_success.timestamp", MetricKind.Gauge, "s", Cron,
        "Unix time of the cron's last known successful run (18/19 from failure_count, 16/17 only from the log).");
    public static readonly MetricDefinition CronNextCall = new(Source, "odoo.cron.next_call.timestamp", MetricKind.Gauge, "s", Cron,
        "Unix time the cron is due next (nextcall).");
    public static readonly MetricDefinition CronWatchedSince = new(Source, "odoo.cron.watched_since.timestamp", MetricKind.Gauge, "s", Cron,
        "Unix time since which the collector sees the cron's successes (18/19, or 16/17 with the log): how long a cron without any known success has gone without one, at least.");
    public static readonly MetricDefinition CronConsecutiveFailures = new(Source, "odoo.cron.consecutive_failures", MetricKind.Gauge, "{failure}", Cron,
        "Consecutive failed runs of the cron (18/19 failure_count).");
    public static readonly MetricDefinition CronFailures = new(Source, "odoo.cron.failures", MetricKind.Counter, "{failure}", Cron,
        "Failed cron runs (18/19 from failure_count increments, 16/17 from the Odoo log).");

    public static readonly MetricDefinition OrderConfirmation = new(Source, "odoo.sale_order.confirmation.duration", MetricKind.Histogram, "s", [],
        "Time from creation to confirmation of sale orders confirmed since the previous poll.") { Buckets = ConfirmationBuckets };

    public static readonly MetricDefinition IntegrationOperations = new(Source, "odoo.integration.operations", MetricKind.Counter, "{operation}", ["odoo.integration", "odoo.outcome"],
        "Finished integration operations by integration and outcome (ok, failed, cancelled).");
    public static readonly MetricDefinition OpenPayments = new(Source, "odoo.integration.payment.open_transactions", MetricKind.Gauge, "{transaction}", ["provider", "state"],
        "payment_transaction rows not yet final (draft, pending, authorized) by provider and state.");

    public static readonly MetricDefinition Connections = new(Source, "odoo.db.connections", MetricKind.Gauge, "{connection}", ["state", "client"],
        "Connections to Odoo's database by state and client kind (odoo or other).");
    public static readonly MetricDefinition MaxConnections = new(Source, "odoo.db.connections.max", MetricKind.Gauge, "{connection}", [],
        "The PostgreSQL server's max_connections.");
    public static readonly MetricDefinition TopTotalTime = new(Source, "odoo.db.statement.top.total_time", MetricKind.Gauge, "s", Statement,
        "Total execution time during the last interval of the top statements by that time.");
    public static readonly MetricDefinition TopCalls = new(Source, "odoo.db.statement.top.calls", MetricKind.Gauge, "{call}", Statement,
        "Calls during the last interval of the top statements.");
    public static readonly MetricDefinition TopMeanTime = new(Source, "odoo.db.statement.top.mean_time", MetricKind.Gauge, "s", Statement,
        "Mean execution time during the last interval of the top statements.");
    public static readonly MetricDefinition SlowStatements = new(Source, "odoo.db.statement.slow", MetricKind.Counter, "{call}", [],
        "Calls of statements whose mean time over a polling interval reached the slow threshold (pg_stat_statements deltas).");
    public static readonly MetricDefinition OldestTransaction = new(Source, "odoo.db.transaction.oldest.age", MetricKind.Gauge, "s", [],
        "Age of the oldest open transaction in Odoo's database.");
    public static readonly MetricDefinition LongestQuery = new(Source, "odoo.db.query.longest.age", MetricKind.Gauge, "s", [],
        "Age of the longest-running active query in Odoo's database.");

    public static readonly MetricDefinition Errors = new(Source, "odoo.collector.errors", MetricKind.Counter, "{error}", ["probe"],
        "Failed polls of a collector probe.");
    // No unit: a 0/1 state, not a ratio.
    public static readonly MetricDefinition ProbeUp = new(Source, "odoo.collector.probe.up", MetricKind.Gauge, null, ["probe"],
        "1 when the probe's last poll succeeded, 0 when it failed; absent while skipped.");

    /// <summary>Every row above, in the order docs/metrics.md lists them (declared last: static fields initialise in order).</summary>
    public static IReadOnlyList<MetricDefinition> All { get; } =
    [
        JobsFinished, JobRetries, JobExecution, JobWait, JobStates, OldestPending,
        CronInterval, CronLastRun, CronLastSuccess, CronNextCall, CronWatchedSince, CronConsecutiveFailures, CronFailures,
        OrderConfirmation, IntegrationOperations, OpenPayments,
        Connections, MaxConnections, TopTotalTime, TopCalls, TopMeanTime, SlowStatements, OldestTransaction, LongestQuery,
        Errors, ProbeUp,
    ];
}
