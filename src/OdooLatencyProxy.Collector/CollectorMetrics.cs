using System.Diagnostics;
using System.Diagnostics.Metrics;
using OdooLatencyProxy.Odoo.Metrics;

namespace OdooLatencyProxy.Collector;

/// <summary>Owns every instrument of the database collector on the <c>OdooLatencyProxy</c> meter.</summary>
/// <remarks>
/// The instruments are declared in <see cref="CollectorInstruments"/>; docs/metrics.md lists the Prometheus names the
/// exporter makes of them. Counters and histograms wherever a rate or percentile is derived; observable gauges report
/// the latest snapshot a probe stored here.
/// </remarks>
internal sealed class CollectorMetrics
{
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

    /// <summary>Creates the instruments on the factory's <c>OdooLatencyProxy</c> meter (the request path's too, given the same factory).</summary>
    public CollectorMetrics(IMeterFactory meterFactory)
    {
        var meter = ProjectMeter.Create(meterFactory);

        _jobsFinished = CollectorInstruments.JobsFinished.CreateCounter<long>(meter);
        _jobRetries = CollectorInstruments.JobRetries.CreateCounter<long>(meter);
        _jobExecution = CollectorInstruments.JobExecution.CreateHistogram(meter);
        _jobWait = CollectorInstruments.JobWait.CreateHistogram(meter);
        CollectorInstruments.JobStates.CreateObservableGauge(meter, () => _jobStates);
        CollectorInstruments.OldestPending.CreateObservableGauge(meter, () => _oldestPending);

        CollectorInstruments.CronInterval.CreateObservableGauge(meter, () => _cronInterval);
        CollectorInstruments.CronLastRun.CreateObservableGauge(meter, () => _cronLastRun);
        CollectorInstruments.CronLastSuccess.CreateObservableGauge(meter, () => _cronLastSuccess);
        CollectorInstruments.CronNextCall.CreateObservableGauge(meter, () => _cronNextCall);
        CollectorInstruments.CronWatchedSince.CreateObservableGauge(meter, () => _cronWatchedSince);
        CollectorInstruments.CronConsecutiveFailures.CreateObservableGauge(meter, () => _cronConsecutiveFailures);
        _cronFailures = CollectorInstruments.CronFailures.CreateCounter<long>(meter);

        _confirmation = CollectorInstruments.OrderConfirmation.CreateHistogram(meter);

        _integrationOperations = CollectorInstruments.IntegrationOperations.CreateCounter<long>(meter);
        CollectorInstruments.OpenPayments.CreateObservableGauge(meter, () => _paymentsOpen);

        CollectorInstruments.Connections.CreateObservableGauge(meter, () => _connections);
        CollectorInstruments.MaxConnections.CreateObservableGauge(meter, () => _maxConnections);
        CollectorInstruments.TopTotalTime.CreateObservableGauge(meter, () => _topTotalTime);
        CollectorInstruments.TopCalls.CreateObservableGauge(meter, () => _topCalls);
        CollectorInstruments.TopMeanTime.CreateObservableGauge(meter, () => _topMeanTime);
        _slowStatements = CollectorInstruments.SlowStatements.CreateCounter<long>(meter);
        CollectorInstruments.OldestTransaction.CreateObservableGauge(meter, () => _oldestTransaction);
        CollectorInstruments.LongestQuery.CreateObservableGauge(meter, () => _longestQuery);

        _errors = CollectorInstruments.Errors.CreateCounter<long>(meter);
        CollectorInstruments.ProbeUp.CreateObservableGauge(meter, () => _probeUp);
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
