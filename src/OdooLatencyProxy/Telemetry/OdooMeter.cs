using System.Diagnostics;
using System.Diagnostics.Metrics;
using OdooLatencyProxy.Admission;
using OdooLatencyProxy.Odoo.Classification;
using OdooLatencyProxy.Odoo.Logs;
using OdooLatencyProxy.Odoo.Metrics;
using OdooLatencyProxy.RequestPath;

namespace OdooLatencyProxy.Telemetry;

/// <summary>
/// Owns the request path's instruments on the project's one <see cref="Meter"/> (<c>OdooLatencyProxy</c>), Npgsql's
/// MetricsReporter habit. They are declared in <see cref="ProxyInstruments"/>; docs/metrics.md is their contract.
/// </summary>
/// <remarks>
/// The collector's instruments (Collector/CollectorMetrics.cs) live on the same meter: both call <see cref="ProjectMeter.Create"/>
/// on the same <see cref="IMeterFactory"/> (the admin host is given the public host's factory), and the factory hands
/// back the one cached Meter for the same name and version. Exporters select that Meter instance, so two proxies in one
/// process (tests) never see each other's series.
/// </remarks>
internal sealed class OdooMeter
{
    // Boxed once: an int attribute value would otherwise box on every request.
    private static readonly object[] StatusCodes = [.. Enumerable.Range(0, 600).Select(i => (object)i)];

    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _queueDuration;
    private readonly Counter<long> _rejected;
    private readonly Histogram<double> _sqlDuration;
    private readonly Histogram<double> _pythonDuration;
    private readonly Histogram<double> _sqlQueries;
    private int _realtimeConnections;
    private CostWindows? _costs;

    public OdooMeter(IMeterFactory meterFactory, RequestClassifier classifier, WorkerPools pools, LatencyWindows latency, WorkerSaturation saturation)
    {
        Meter = ProjectMeter.Create(meterFactory);
        Instruments = new ProxyInstruments(saturation.Threshold, ProxyInstruments.WithThresholds(classifier.ThresholdsSeconds));

        _duration = Instruments.RequestDuration.CreateHistogram(Meter);
        _queueDuration = Instruments.QueueDuration.CreateHistogram(Meter);
        _rejected = Instruments.Rejected.CreateCounter<long>(Meter);
        Instruments.Latency.CreateObservableGauge(Meter, () => LatencyMeasurements(latency));
        _sqlDuration = Instruments.SqlDuration.CreateHistogram(Meter);
        _pythonDuration = Instruments.PythonDuration.CreateHistogram(Meter);
        _sqlQueries = Instruments.SqlQueries.CreateHistogram(Meter);
        // Created now (the exporters start with the meter); the windows come with the access-log join, if configured.
        Instruments.CostTime.CreateObservableGauge<double>(Meter, () => Volatile.Read(ref _costs) is { } costs
            ? [.. QuantileMeasurements(costs.Sql.Snapshot(), "sql"), .. QuantileMeasurements(costs.Python.Snapshot(), "python")]
            : []);
        Instruments.CostQueries.CreateObservableGauge<double>(Meter, () => Volatile.Read(ref _costs) is { } costs
            ? QuantileMeasurements(costs.Queries.Snapshot(), cost: null)
            : []);
        Instruments.WorkersBusy.CreateObservableGauge(Meter, () => PoolMeasurements(pools, busy: true));
        Instruments.WorkersLimit.CreateObservableGauge(Meter, () => PoolMeasurements(pools, busy: false));
        Instruments.WorkersQueued.CreateObservableGauge(Meter, () => QueueMeasurements(pools));
        Instruments.Saturation.CreateObservableGauge(Meter, () => SaturationMeasurements(saturation));
        Instruments.SaturatedTime.CreateObservableCounter(Meter, () => SaturatedTimeMeasurements(saturation));
        Instruments.RealtimeConnections.CreateObservableGauge(Meter, () => Volatile.Read(ref _realtimeConnections));
    }

    /// <summary>The project's meter, shared with the collector.</summary>
    public Meter Meter { get; }

    /// <summary>The request path's instruments as configured (thresholds in buckets and descriptions).</summary>
    public ProxyInstruments Instruments { get; }

    /// <summary>Records one finished (non-realtime) request. Allocation-free.</summary>
    public void RequestFinished(ProxyExchange exchange, int statusCode, double seconds)
    {
        var outcome = exchange.Outcome;
        var tags = new TagList
        {
            { "odoo.operation", exchange.Operation.Name },
            { "odoo.outcome", outcome.OutcomeName },
            { "http.response.status_code", (uint)statusCode < (uint)StatusCodes.Length ? StatusCodes[statusCode] : statusCode },
        };
        if (outcome.Outcome == OdooOutcome.RpcError) tags.Add("odoo.error", outcome.ErrorName);
        _duration.Record(seconds, tags);

        if (exchange.Pool is null) return; // Never queued: not admission-controlled.
        var operation = new KeyValuePair<string, object?>("odoo.operation", exchange.Operation.Name);
        _queueDuration.Record(exchange.QueueWait.TotalSeconds, operation);
        switch (exchange.Rejection)
        {
            case AdmissionRejection.QueueFull:
                _rejected.Add(1, operation, new KeyValuePair<string, object?>("reason", "queue_full"));
                break;
            case AdmissionRejection.QueueTimeout:
                _rejected.Add(1, operation, new KeyValuePair<string, object?>("reason", "queue_timeout"));
                break;
        }
    }

    /// <summary>Records what Odoo's access line says <paramref name="exchange"/> cost.</summary>
    public void CostJoined(ProxyExchange exchange, OdooRequestCost cost)
    {
        var operation = new KeyValuePair<string, object?>("odoo.operation", exchange.Operation.Name);
        _sqlDuration.Record(cost.SqlTime.TotalSeconds, operation);
        _pythonDuration.Record(cost.PythonTime.TotalSeconds, operation);
        _sqlQueries.Record(cost.QueryCount, operation);
    }

    /// <summary>Publishes the exact cost quantiles of <paramref name="costs"/> (one per proxy).</summary>
    public void ObserveCosts(CostWindows costs) => Volatile.Write(ref _costs, costs);

    /// <summary>A websocket or long-polling request started.</summary>
    public void RealtimeOpened() => Interlocked.Increment(ref _realtimeConnections);

    /// <summary>A websocket or long-polling request ended.</summary>
    public void RealtimeClosed() => Interlocked.Decrement(ref _realtimeConnections);

    /// <summary>Websocket and long-polling requests open now.</summary>
    public int RealtimeConnections => Volatile.Read(ref _realtimeConnections);

    private static List<Measurement<double>> LatencyMeasurements(LatencyWindows latency) => QuantileMeasurements(latency.Snapshot(), cost: null);

    // One series per operation, quantile and window; odoo.cost names the part of Odoo's time when given.
    private static List<Measurement<double>> QuantileMeasurements(LatencySnapshot snapshot, string? cost)
    {
        var measurements = new List<Measurement<double>>();
        foreach (var operation in snapshot.Operations)
        {
            for (var w = 0; w < LatencyWindows.Windows.Count; w++)
            {
                if (operation.Windows[w].Seconds is not { } seconds) continue; // No request in the window: no series.
                for (var q = 0; q < seconds.Length; q++)
                {
                    var tags = new TagList
                    {
                        { "odoo.operation", operation.Operation.Name },
                        { "quantile", LatencyWindows.QuantileNames[q] },
                        { "window", LatencyWindows.Windows[w].Name },
                    };
                    if (cost is not null) tags.Add("odoo.cost", cost);
                    measurements.Add(new Measurement<double>(seconds[q], tags));
                }
            }
        }
        return measurements;
    }

    private static IEnumerable<Measurement<int>> PoolMeasurements(WorkerPools pools, bool busy)
    {
        foreach (var pool in pools.Snapshot())
        {
            foreach (var d in pool.Destinations)
            {
                yield return new Measurement<int>(busy ? d.Busy : d.Limit,
                    new KeyValuePair<string, object?>("odoo.destination", d.Destination), new KeyValuePair<string, object?>("odoo.pool", pool.Pool));
            }
        }
    }

    private static IEnumerable<Measurement<int>> QueueMeasurements(WorkerPools pools) =>
        pools.Snapshot().Select(p => new Measurement<int>(p.Queued,
            new KeyValuePair<string, object?>("odoo.destination", p.Pool), new KeyValuePair<string, object?>("odoo.pool", p.Pool)));

    private static IEnumerable<Measurement<double>> SaturationMeasurements(WorkerSaturation saturation)
    {
        foreach (var d in saturation.Destinations())
        {
            for (var w = 0; w < LatencyWindows.Windows.Count; w++)
            {
                yield return new Measurement<double>(d.SaturatedShare[w],
                    new KeyValuePair<string, object?>("odoo.destination", d.Destination), new KeyValuePair<string, object?>("odoo.pool", d.Pool),
                    new KeyValuePair<string, object?>("window", LatencyWindows.Windows[w].Name));
            }
        }
    }

    private static IEnumerable<Measurement<double>> SaturatedTimeMeasurements(WorkerSaturation saturation) =>
        saturation.Destinations().Select(d => new Measurement<double>(d.SaturatedSeconds,
            new KeyValuePair<string, object?>("odoo.destination", d.Destination), new KeyValuePair<string, object?>("odoo.pool", d.Pool)));
}
