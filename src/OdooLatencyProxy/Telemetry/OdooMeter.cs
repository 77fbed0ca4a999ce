using System.Diagnostics;
using System.Diagnostics.Metrics;
using OdooLatencyProxy.Admission;
using OdooLatencyProxy.Odoo.Classification;

namespace OdooLatencyProxy.Telemetry;

/// <summary>
/// Owns the project's one <see cref="Meter"/> (<c>OdooLatencyProxy</c>) and every request-path instrument
/// (Npgsql's MetricsReporter habit). Names, units and attributes are the contract in docs/metrics.md,
/// following the OpenTelemetry HTTP semantic conventions (https://opentelemetry.io/docs/specs/semconv/http/http-metrics/)
/// where they apply; docs/metrics.md and <see cref="MetricCatalog"/> list them.
/// </summary>
/// <remarks>
/// The collector's instruments (Collector/CollectorMetrics.cs) live on the same meter: both call <see cref="CreateMeter"/>
/// on the same <see cref="IMeterFactory"/> (the admin host is given the public host's factory), and the factory hands
/// back the one cached Meter for the same name and version. Exporters select that Meter instance, so two proxies in one
/// process (tests) never see each other's series.
/// </remarks>
internal sealed class OdooMeter
{
    /// <summary>The project's one meter name.</summary>
    public const string MeterName = ProxyMeter.Name;

    /// <summary>The contract's bucket boundaries (s), before the configured thresholds are added.</summary>
    public static readonly double[] ContractBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300];

    // Boxed once: an int attribute value would otherwise box on every request.
    private static readonly object[] StatusCodes = [.. Enumerable.Range(0, 600).Select(i => (object)i)];

    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _queueDuration;
    private readonly Counter<long> _rejected;
    private int _realtimeConnections;

    public OdooMeter(IMeterFactory meterFactory, Classification.RequestNaming naming, WorkerPools pools, LatencyWindows latency, WorkerSaturation saturation)
    {
        Meter = CreateMeter(meterFactory);
        Buckets = WithThresholds(naming.Classifier.ThresholdsSeconds);
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets };

        _duration = Meter.CreateHistogram("odoo.request.duration", "s",
            "Time from the request's arrival at the proxy to the end of its response (queue, Odoo, transfer), per operation, outcome and status; realtime excluded.",
            advice: advice);
        _queueDuration = Meter.CreateHistogram("odoo.request.queue.duration", "s",
            "Time a request waited in the proxy's queue for an Odoo worker (0 when one was free), rejected requests included.",
            advice: advice);
        _rejected = Meter.CreateCounter<long>("odoo.requests.rejected", "{request}",
            "Requests refused by the worker queue with 503: queue_full or queue_timeout.");

        Meter.CreateObservableGauge("odoo.request.latency", () => LatencyMeasurements(latency), "s",
            "Exact latency quantiles (HdrHistogram, 3 significant digits) per operation over sliding windows; per instance, not aggregatable.");
        Meter.CreateObservableGauge("odoo.workers.busy", () => PoolMeasurements(pools, busy: true), "{worker}",
            "Odoo workers of the destination holding a proxied request now.");
        Meter.CreateObservableGauge("odoo.workers.limit", () => PoolMeasurements(pools, busy: false), "{worker}",
            "Odoo workers of the destination (the admission limit; 0 = not limited).");
        Meter.CreateObservableGauge("odoo.workers.queued", () => QueueMeasurements(pools), "{request}",
            "Requests waiting in the pool's queue for a worker; the queue is per pool, so odoo.destination carries the pool name.");
        Meter.CreateObservableGauge("odoo.workers.saturation", () => SaturationMeasurements(saturation), "1",
            "Share of the window the destination spent at or above 90 % worker occupancy, from every busy-count change.");
        Meter.CreateObservableCounter("odoo.workers.saturated_time", () => SaturatedTimeMeasurements(saturation), "s",
            "Total time the destination spent at or above 90 % worker occupancy (rate() gives the share over any window).");
        Meter.CreateObservableGauge("odoo.realtime.connections", () => Volatile.Read(ref _realtimeConnections), "{connection}",
            "Websocket and long-polling requests open now (never in odoo.request.duration).");
    }

    /// <summary>The project's meter, shared with the collector.</summary>
    public Meter Meter { get; }

    /// <summary>Bucket boundaries of both request histograms: the contract's plus every configured threshold.</summary>
    public IReadOnlyList<double> Buckets { get; }

    /// <summary>The meter every project instrument is created on; the same instance for the same factory.</summary>
    public static Meter CreateMeter(IMeterFactory meterFactory) => ProxyMeter.Create(meterFactory);

    /// <summary>The contract's boundaries merged with <paramref name="thresholds"/>, sorted and distinct.</summary>
    public static double[] WithThresholds(IEnumerable<double> thresholds) =>
        [.. ContractBuckets.Concat(thresholds.Where(t => t > 0 && double.IsFinite(t))).Distinct().Order()];

    /// <summary>Records one finished (non-realtime) request. Allocation-free.</summary>
    public void RequestFinished(RequestRecord record, int statusCode, double seconds)
    {
        var outcome = record.Outcome;
        var tags = new TagList
        {
            { "odoo.operation", record.Operation.Name },
            { "odoo.outcome", outcome.OutcomeName },
            { "http.response.status_code", (uint)statusCode < (uint)StatusCodes.Length ? StatusCodes[statusCode] : statusCode },
        };
        if (outcome.Outcome == OdooOutcome.RpcError) tags.Add("odoo.error", outcome.ErrorName);
        _duration.Record(seconds, tags);

        if (record.Pool is null) return; // Never queued: not admission-controlled.
        var operation = new KeyValuePair<string, object?>("odoo.operation", record.Operation.Name);
        _queueDuration.Record(record.QueueWait.TotalSeconds, operation);
        switch (record.Rejection)
        {
            case AdmissionRejection.QueueFull:
                _rejected.Add(1, operation, new KeyValuePair<string, object?>("reason", "queue_full"));
                break;
            case AdmissionRejection.QueueTimeout:
                _rejected.Add(1, operation, new KeyValuePair<string, object?>("reason", "queue_timeout"));
                break;
        }
    }

    /// <summary>A websocket or long-polling request started.</summary>
    public void RealtimeOpened() => Interlocked.Increment(ref _realtimeConnections);

    /// <summary>A websocket or long-polling request ended.</summary>
    public void RealtimeClosed() => Interlocked.Decrement(ref _realtimeConnections);

    /// <summary>Websocket and long-polling requests open now.</summary>
    public int RealtimeConnections => Volatile.Read(ref _realtimeConnections);

    private static IEnumerable<Measurement<double>> LatencyMeasurements(LatencyWindows latency)
    {
        var snapshot = latency.Snapshot();
        foreach (var operation in snapshot.Operations)
        {
            for (var w = 0; w < LatencyWindows.Windows.Count; w++)
            {
                if (operation.Windows[w].Seconds is not { } seconds) continue; // No request in the window: no series.
                for (var q = 0; q < seconds.Length; q++)
                {
                    yield return new Measurement<double>(seconds[q],
                        new KeyValuePair<string, object?>("odoo.operation", operation.Operation.Name),
                        new KeyValuePair<string, object?>("quantile", LatencyWindows.QuantileNames[q]),
                        new KeyValuePair<string, object?>("window", LatencyWindows.Windows[w].Name));
                }
            }
        }
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
