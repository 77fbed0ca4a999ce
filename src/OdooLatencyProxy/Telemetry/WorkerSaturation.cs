using System.Collections.Concurrent;
using OdooLatencyProxy.Admission;
using OdooLatencyProxy.Configuration;

namespace OdooLatencyProxy.Telemetry;

/// <summary>
/// Worker occupancy over time, from every change of the busy and queue counts (never sampled): per destination the
/// share of time spent at or above the saturation threshold (90 % of its workers by default) over the last 1 m and
/// 5 m, the total saturated time, and per-second history (time-weighted mean busy, peak queue) for the status page.
/// </summary>
/// <remarks>
/// Time is kept in one-second buckets of exact accumulated time; a window covers its whole seconds before the
/// current one plus the current second so far, so its span is within one second of the nominal length (and
/// shorter while the proxy is younger than the window). The denominator is the span actually covered.
/// </remarks>
internal sealed class WorkerSaturation(TimeProvider time, TelemetryOptions options) : IWorkerPoolObserver
{
    /// <summary>Seconds of history kept: the longest window.</summary>
    public const int HistorySeconds = 300;

    private readonly ConcurrentDictionary<string, StepSeries> _destinations = new();
    private readonly ConcurrentDictionary<string, StepSeries> _queues = new();
    private readonly ConcurrentDictionary<string, string> _poolOf = new();
    private readonly long _origin = time.GetTimestamp();

    /// <summary>The occupancy at or above which a destination counts as saturated.</summary>
    public double Threshold { get; } = options.SaturationThreshold;

    public void BusyChanged(string pool, string destination, int busy, int limit)
    {
        if (!_destinations.TryGetValue(destination, out var series))
        {
            series = _destinations.GetOrAdd(destination, _ => new StepSeries(time, _origin));
            _poolOf.TryAdd(destination, pool);
        }
        series.Set(busy, limit > 0 && busy >= Threshold * limit, time.GetTimestamp());
    }

    public void QueueChanged(string pool, int queued)
    {
        var series = _queues.TryGetValue(pool, out var found) ? found : _queues.GetOrAdd(pool, _ => new StepSeries(time, _origin));
        series.Set(queued, false, time.GetTimestamp());
    }

    /// <summary>Per destination: share of each window (1 m, 5 m) spent saturated, total saturated seconds, and the last minutes per second.</summary>
    public IReadOnlyList<DestinationSaturation> Destinations(bool withHistory = false)
    {
        var now = time.GetTimestamp();
        return [.. _destinations.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d =>
        {
            var shares = LatencyWindows.Windows.Select(w => d.Value.SaturatedShare((int)w.Length.TotalSeconds, now)).ToArray();
            return new DestinationSaturation(_poolOf.GetValueOrDefault(d.Key, ""), d.Key, shares,
                d.Value.TotalSaturatedSeconds(now), withHistory ? d.Value.History(now, peak: false) : null);
        })];
    }

    /// <summary>Per pool: the queue's peak per second over the last minutes.</summary>
    public IReadOnlyDictionary<string, double[]> QueueHistory()
    {
        var now = time.GetTimestamp();
        return _queues.ToDictionary(q => q.Key, q => q.Value.History(now, peak: true), StringComparer.Ordinal);
    }
}
