using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OdooLatencyProxy.Collector;

/// <summary>Owns every instrument of the database collector on the <c>OdooLatencyProxy</c> meter.</summary>
/// <remarks>
/// Names follow docs/metrics.md and the OpenTelemetry conventions (dotted, UCUM units);
/// docs/metrics.md lists the Prometheus names they become. Counters and histograms wherever a rate or
/// percentile is derived; observable gauges report the latest snapshot a probe stored here.
/// </remarks>
internal sealed class CollectorMetrics
{
    /// <summary>The project's one meter name.</summary>
    public const string MeterName = Telemetry.ProxyMeter.Name;

    // Queue wait and job run times span milliseconds to hours.
    private static readonly double[] JobBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

    // A quotation is confirmed seconds to days after it was created.
    private static readonly double[] ConfirmationBuckets = [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 259200, 604800];

    private readonly Counter<long> _jobsFinished;
    private readonly Counter<long> _jobRetries;
    private readonly Histogram<double> _jobExecution;
    private readonly Histogram<double> _jobWait;
    private readonly Counter<long> _cronFailures;
    private readonly Histogram<double> _confirmation;
    private readonly Counter<long> _integrationOperations;
    private readonly Counter<long> _slowStatements;
    private readonly Counter<long> _errors;

    private Measurement<long>[] _jobStates = [];
    private Measurement<double>[] _oldestPending = [];
    private Measurement<double>[] _cronInterval = [];
    private Measurement<double>[] _cronLastRun = [];
    private Measurement<double>[] _cronLastSuccess = [];
    private Measurement<double>[] _cronNextCall = [];
    private Measurement<double>[] _cronWatchedSince = [];
    private Measurement<long>[] _cronConsecutiveFailures = [];
    private Measurement<long>[] _paymentsOpen = [];
    private Measurement<long>[] _connections = [];
    private Measurement<long>[] _maxConnections = [];
    private Measurement<double>[] _topTotalTime = [];
    private Measurement<long>[] _topCalls = [];
    private Measurement<double>[] _topMeanTime = [];
    private Measurement<double>[] _oldestTransaction = [];
    private Measurement<double>[] _longestQuery = [];
    private Measurement<int>[] _probeUp = [];

    /// <summary>Creates the instruments on the factory's <c>OdooLatencyProxy</c> meter (shared with Telemetry/OdooMeter.cs).</summary>
    public CollectorMetrics(IMeterFactory meterFactory)
    {
        // The same Meter instance as the request path's (Telemetry/OdooMeter.cs) when given the same factory.
        var meter = Telemetry.ProxyMeter.Create(meterFactory);

        _jobsFinished = meter.CreateCounter<long>("odoo.queue_job.finished", "{job}",
            "queue_job jobs that reached done or failed, counted once each (a requeued job that fails again counts again).");
        _jobRetries = meter.CreateCounter<long>("odoo.queue_job.retries", "{retry}",
            "Attempts beyond the first made by the jobs counted in odoo.queue_job.finished.");
        _jobExecution = meter.CreateHistogram("odoo.queue_job.execution.duration", "s",
            "Processing time (exec_time) of queue_job jobs that finished done.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = JobBuckets });
        _jobWait = meter.CreateHistogram("odoo.queue_job.wait.duration", "s",
            "Time from enqueue to start (date_started - date_enqueued) of the last attempt of finished jobs.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = JobBuckets });
        meter.CreateObservableGauge("odoo.queue_job.jobs", () => _jobStates, "{job}",
            "queue_job jobs currently in each unfinished state (and failed).");
        meter.CreateObservableGauge("odoo.queue_job.oldest_pending.age", () => _oldestPending, "s",
            "Age of the oldest job waiting to run (pending or enqueued, eta reached).");

        meter.CreateObservableGauge("odoo.cron.interval", () => _cronInterval, "s",
            "Expected interval between runs of an active cron (months count as 30 days).");
        meter.CreateObservableGauge("odoo.cron.last_run.timestamp", () => _cronLastRun, "s",
            "Unix time of the cron's last run (lastcall), successful or not.");
        meter.CreateObservableGauge("odoo.cron.last_success.timestamp", () => _cronLastSuccess, "s",
            "Unix time of the cron's last known successful run (18/19 from failure_count, 16/17 only from the log).");
        meter.CreateObservableGauge("odoo.cron.next_call.timestamp", () => _cronNextCall, "s",
            "Unix time the cron is due next (nextcall).");
        meter.CreateObservableGauge("odoo.cron.watched_since.timestamp", () => _cronWatchedSince, "s",
            "Unix time since which the collector sees the cron's successes (18/19, or 16/17 with the log): how long a cron without any known success has gone without one, at least.");
        meter.CreateObservableGauge("odoo.cron.consecutive_failures", () => _cronConsecutiveFailures, "{failure}",
            "Consecutive failed runs of the cron (18/19 failure_count).");
        _cronFailures = meter.CreateCounter<long>("odoo.cron.failures", "{failure}",
            "Failed cron runs (18/19 from failure_count increments, 16/17 from the Odoo log).");

        _confirmation = meter.CreateHistogram("odoo.sale_order.confirmation.duration", "s",
            "Time from creation to confirmation of sale orders confirmed since the previous poll.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ConfirmationBuckets });

        _integrationOperations = meter.CreateCounter<long>("odoo.integration.operations", "{operation}",
            "Finished integration operations by integration and outcome (ok, failed, cancelled).");
        meter.CreateObservableGauge("odoo.integration.payment.open_transactions", () => _paymentsOpen, "{transaction}",
            "payment_transaction rows not yet final (draft, pending, authorized) by provider and state.");

        meter.CreateObservableGauge("odoo.db.connections", () => _connections, "{connection}",
            "Connections to Odoo's database by state and client kind (odoo or other).");
        meter.CreateObservableGauge("odoo.db.connections.max", () => _maxConnections, "{connection}",
            "The PostgreSQL server's max_connections.");
        meter.CreateObservableGauge("odoo.db.statement.top.total_time", () => _topTotalTime, "s",
            "Total execution time during the last interval of the top statements by that time.");
        meter.CreateObservableGauge("odoo.db.statement.top.calls", () => _topCalls, "{call}",
            "Calls during the last interval of the top statements.");
        meter.CreateObservableGauge("odoo.db.statement.top.mean_time", () => _topMeanTime, "s",
            "Mean execution time during the last interval of the top statements.");
        _slowStatements = meter.CreateCounter<long>("odoo.db.statement.slow", "{call}",
            "Calls of statements whose mean time over a polling interval reached the slow threshold (pg_stat_statements deltas).");
        meter.CreateObservableGauge("odoo.db.transaction.oldest.age", () => _oldestTransaction, "s",
            "Age of the oldest open transaction in Odoo's database.");
        meter.CreateObservableGauge("odoo.db.query.longest.age", () => _longestQuery, "s",
            "Age of the longest-running active query in Odoo's database.");

        _errors = meter.CreateCounter<long>("odoo.collector.errors", "{error}",
            "Failed polls of a collector probe.");
        // No unit: with "1" the Prometheus exporter would append _ratio.
        meter.CreateObservableGauge("odoo.collector.probe.up", () => _probeUp, unit: null,
            "1 when the probe's last poll succeeded, 0 when it failed; absent while skipped.");
    }

    /// <summary>Counts a queue job that finished in <paramref name="state"/> (done or failed).</summary>
    public void JobFinished(string channel, string state, int retry, double? execSeconds, double? waitSeconds)
    {
        var tags = new TagList { { "channel", channel }, { "state", state } };
        _jobsFinished.Add(1, tags);
        if (retry > 1)
        {
            _jobRetries.Add(retry - 1, new KeyValuePair<string, object?>("channel", channel));
        }

        var channelTag = new KeyValuePair<string, object?>("channel", channel);
        if (execSeconds is { } exec)
        {
            _jobExecution.Record(exec, channelTag);
        }

        if (waitSeconds is { } wait)
        {
            _jobWait.Record(Math.Max(0, wait), channelTag);
        }
    }

    /// <summary>Counts one failed cron run.</summary>
    public void CronFailed(string cron, long count = 1) => _cronFailures.Add(count, new KeyValuePair<string, object?>("cron", cron));

    /// <summary>Records one sale order confirmation latency.</summary>
    public void OrderConfirmed(double seconds) => _confirmation.Record(Math.Max(0, seconds));

    /// <summary>Counts a finished integration operation (payment transactions, mapped queue job channels).</summary>
    public void IntegrationOperation(string integration, string outcome) =>
        _integrationOperations.Add(1, new TagList { { "odoo.integration", integration }, { "odoo.outcome", outcome } });

    /// <summary>Counts calls judged slow in the last interval.</summary>
    public void SlowStatements(long calls)
    {
        if (calls > 0)
        {
            _slowStatements.Add(calls);
        }
    }

    /// <summary>Counts one failed poll of a probe.</summary>
    public void ProbeError(string probe) => _errors.Add(1, new KeyValuePair<string, object?>("probe", probe));

    public void SetJobStates(IEnumerable<(string Channel, string State, long Count)> rows) =>
        _jobStates = [.. rows.Select(r => new Measurement<long>(r.Count, Tag("channel", r.Channel), Tag("state", r.State)))];

    public void SetOldestPending(IEnumerable<(string Channel, double Age)> rows) =>
        _oldestPending = [.. rows.Select(r => new Measurement<double>(r.Age, Tag("channel", r.Channel)))];

    public void SetCrons(IReadOnlyList<CronSnapshot> crons)
    {
        _cronInterval = [.. crons.Select(c => new Measurement<double>(c.IntervalSeconds, Tag("cron", c.Name)))];
        _cronLastRun = [.. crons.Where(c => c.LastRun is not null).Select(c => new Measurement<double>(Unix(c.LastRun!.Value), Tag("cron", c.Name)))];
        _cronLastSuccess = [.. crons.Where(c => c.LastSuccess is not null).Select(c => new Measurement<double>(Unix(c.LastSuccess!.Value), Tag("cron", c.Name)))];
        _cronNextCall = [.. crons.Where(c => c.NextCall is not null).Select(c => new Measurement<double>(Unix(c.NextCall!.Value), Tag("cron", c.Name)))];
        _cronWatchedSince = [.. crons.Where(c => c.WatchedSince is not null).Select(c => new Measurement<double>(Unix(c.WatchedSince!.Value), Tag("cron", c.Name)))];
        _cronConsecutiveFailures = [.. crons.Where(c => c.ConsecutiveFailures is not null).Select(c => new Measurement<long>(c.ConsecutiveFailures!.Value, Tag("cron", c.Name)))];
    }

    public void SetOpenPayments(IEnumerable<(string Provider, string State, long Count)> rows) =>
        _paymentsOpen = [.. rows.Select(r => new Measurement<long>(r.Count, Tag("provider", r.Provider), Tag("state", r.State)))];

    public void SetConnections(IEnumerable<(string State, string Client, long Count)> rows, long? max)
    {
        _connections = [.. rows.Select(r => new Measurement<long>(r.Count, Tag("state", r.State), Tag("client", r.Client)))];
        _maxConnections = max is { } m ? [new Measurement<long>(m)] : [];
    }

    public void SetTopStatements(IReadOnlyList<StatementSample> top)
    {
        _topTotalTime = [.. top.Select(s => new Measurement<double>(s.TotalSeconds, StatementTags(s)))];
        _topCalls = [.. top.Select(s => new Measurement<long>(s.Calls, StatementTags(s)))];
        _topMeanTime = [.. top.Select(s => new Measurement<double>(s.MeanSeconds, StatementTags(s)))];
    }

    public void SetActivity(double? oldestTransaction, double? longestQuery)
    {
        _oldestTransaction = oldestTransaction is { } t ? [new Measurement<double>(t)] : [];
        _longestQuery = longestQuery is { } q ? [new Measurement<double>(q)] : [];
    }

    public void SetProbeStates(IEnumerable<(string Probe, bool Up)> rows) =>
        _probeUp = [.. rows.Select(r => new Measurement<int>(r.Up ? 1 : 0, Tag("probe", r.Probe)))];

    private static KeyValuePair<string, object?>[] StatementTags(StatementSample s) =>
        [Tag("rank", s.Rank.ToString(System.Globalization.CultureInfo.InvariantCulture)), Tag("db.query.id", s.QueryId.ToString(System.Globalization.CultureInfo.InvariantCulture)), Tag("db.query.text", s.Text)];

    private static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);

    private static double Unix(DateTime utc) => (DateTime.SpecifyKind(utc, DateTimeKind.Utc) - DateTime.UnixEpoch).TotalSeconds;
}
