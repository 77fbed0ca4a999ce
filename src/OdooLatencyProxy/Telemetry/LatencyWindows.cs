using System.Collections.Concurrent;
using System.Diagnostics;
using HdrHistogram;
using OdooLatencyProxy.Odoo.Classification;

namespace OdooLatencyProxy.Telemetry;

/// <summary>
/// Exact per-operation latency percentiles over sliding 1 m and 5 m windows: one HdrHistogram recorder per
/// operation (microseconds, 3 significant digits), drained every interval into a ring of interval snapshots
/// that are merged when someone asks (the gauges, the JSON API, the status page). The same machinery keeps other
/// per-operation values (Odoo's SQL and Python time, query counts: <see cref="CostWindows"/>) through <see cref="RecordValue"/>.
/// </summary>
/// <remarks>
/// Recording goes through <see cref="Recorder"/> over <see cref="IntConcurrentHistogram"/>: wait-free, and no count
/// is lost when requests finish on several threads at once. A Recorder over a plain (non-concurrent) histogram
/// loses increments under two writers (LatencyWindowsTests measures it). Snapshots are kept sparse (only the
/// buckets that hold counts) so 60 intervals per operation stay small.
/// </remarks>
internal sealed class LatencyWindows : IDisposable
{
    /// <summary>Largest recordable duration (1 h, in microseconds); longer requests count as 1 h.</summary>
    public const long HighestMicros = 3_600_000_000L;

    private const int SignificantDigits = 3;

    /// <summary>The published windows, shortest first; each is a whole number of intervals.</summary>
    public static readonly IReadOnlyList<(string Name, TimeSpan Length)> Windows = [("1m", TimeSpan.FromMinutes(1)), ("5m", TimeSpan.FromMinutes(5))];

    private readonly ConcurrentDictionary<Operation, OperationLatency> _operations = new();
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly long _intervalTicks;
    private readonly int[] _windowSlots;
    private readonly double _microsPerTick;
    private readonly double _valuesPerUnit;
    private readonly Lock _queryLock = new();
    private readonly LongHistogram _scratch = new(1, HighestMicros, SignificantDigits);
    private readonly ITimer _timer;
    private LatencySnapshot? _cached;

    /// <param name="time">The clock of the intervals.</param>
    /// <param name="interval">The length of one interval.</param>
    /// <param name="valuesPerUnit">Recorded values per published unit: 1e6 for durations (microseconds recorded, seconds published), 1 for counts.</param>
    public LatencyWindows(TimeProvider time, TimeSpan interval, double valuesPerUnit = 1e6)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _time = time;
        _origin = time.GetTimestamp();
        _intervalTicks = Math.Max(1, (long)(interval.TotalSeconds * time.TimestampFrequency));
        _microsPerTick = 1_000_000.0 / time.TimestampFrequency;
        _valuesPerUnit = valuesPerUnit;
        Interval = interval;
        _windowSlots = [.. Windows.Select(w => (int)Math.Ceiling(w.Length / interval))];
        // Drained every interval even when nobody reads, so old counts never land in a later interval.
        _timer = time.CreateTimer(static s => ((LatencyWindows)s!).DrainAll(), this, interval, interval);
    }

    /// <summary>The length of one interval.</summary>
    public TimeSpan Interval { get; }

    /// <summary>Records one request of <paramref name="operation"/> that took <paramref name="elapsedTicks"/> (TimeProvider ticks). Allocation-free once the operation has been seen.</summary>
    public void Record(Operation operation, long elapsedTicks, bool failed)
    {
        var micros = (long)(elapsedTicks * _microsPerTick);
        For(operation).Record(Math.Clamp(micros, 0, HighestMicros), failed);
    }

    /// <summary>Records one value of <paramref name="operation"/> in recorded units (microseconds of a duration, a count).</summary>
    public void RecordValue(Operation operation, long value)
    {
        For(operation).Record(Math.Clamp(value, 0, HighestMicros), failed: false);
    }

    private OperationLatency For(Operation operation) => _operations.TryGetValue(operation, out var found)
        ? found
        : _operations.GetOrAdd(operation, static (op, slots) => new OperationLatency(op, slots), _windowSlots[^1]);

    /// <summary>
    /// Per-operation statistics for every window, operations sorted by name; recomputed at most every 200 ms
    /// (the gauges, the API and the page often ask at once).
    /// </summary>
    public LatencySnapshot Snapshot()
    {
        var now = _time.GetTimestamp();
        var cached = Volatile.Read(ref _cached);
        if (cached is not null && _time.GetElapsedTime(cached.Timestamp, now) < TimeSpan.FromMilliseconds(200)) return cached;

        lock (_queryLock)
        {
            var current = SlotIndex(now);
            var result = new List<OperationLatencyStats>(_operations.Count);
            foreach (var latency in _operations.Values)
            {
                latency.Drain(current);
                var windows = new WindowStats[_windowSlots.Length];
                _scratch.Reset();
                long count = 0, failures = 0;
                var merged = current + 1; // Slots from 'merged' on are in the scratch histogram.
                for (var w = 0; w < _windowSlots.Length; w++)
                {
                    // Windows nest: the 5 m merge adds the older slots to what the 1 m merge left in the scratch.
                    var first = current - _windowSlots[w] + 1;
                    var (c, f) = latency.MergeInto(_scratch, first, merged - 1);
                    count += c;
                    failures += f;
                    merged = first;
                    windows[w] = Stats(count, failures, Covered(first, now));
                }
                if (windows[^1].Count > 0) result.Add(new OperationLatencyStats(latency.Operation, windows));
            }
            result.Sort(static (a, b) => string.CompareOrdinal(a.Operation.Name, b.Operation.Name));
            var snapshot = new LatencySnapshot(now, _time.GetUtcNow(), result);
            Volatile.Write(ref _cached, snapshot);
            return snapshot;
        }
    }

    public void Dispose() => _timer.Dispose();

    // The timer fires at interval boundaries (it started with the origin): what it drains was recorded in the
    // interval that just ended, so it goes there, unless the timer ran more than half an interval late.
    private void DrainAll()
    {
        var now = _time.GetTimestamp();
        var current = SlotIndex(now);
        var late = Math.Max(0, now - _origin) % _intervalTicks >= _intervalTicks / 2;
        var slot = late ? current : Math.Max(0, current - 1);
        foreach (var latency in _operations.Values) latency.Drain(slot);
    }

    private long SlotIndex(long timestamp) => Math.Max(0, timestamp - _origin) / _intervalTicks;

    // The span the window's slots cover up to now: shorter while the proxy is younger than the window.
    private double Covered(long firstSlot, long now)
    {
        var start = _origin + Math.Max(0, firstSlot) * _intervalTicks;
        return Math.Max(1e-9, (now - start) / (double)_time.TimestampFrequency);
    }

    private WindowStats Stats(long count, long failures, double coveredSeconds)
    {
        if (count == 0) return new WindowStats(0, 0, 0, 0, null);
        var percentiles = new double[Quantiles.Length];
        for (var i = 0; i < Quantiles.Length; i++) percentiles[i] = _scratch.GetValueAtPercentile(Quantiles[i] * 100) / _valuesPerUnit;
        return new WindowStats(count, failures, count / coveredSeconds, (double)failures / count, percentiles);
    }

    /// <summary>The published quantiles, in the order of <see cref="WindowStats.Seconds"/>.</summary>
    public static readonly double[] Quantiles = [0.5, 0.95, 0.99, 0.999, 1.0];

    /// <summary>The <c>quantile</c> attribute values of <see cref="Quantiles"/>.</summary>
    public static readonly string[] QuantileNames = ["0.5", "0.95", "0.99", "0.999", "1"];

    private sealed class OperationLatency(Operation operation, int slotCount)
    {
        private readonly Recorder _recorder = new(1, HighestMicros, SignificantDigits,
            static (id, lowest, highest, digits) => new IntConcurrentHistogram(id, lowest, highest, digits));
        private readonly Slot[] _slots = [.. Enumerable.Range(0, slotCount).Select(_ => new Slot())];
        private readonly Lock _lock = new();
        private HistogramBase? _recycle;
        private long _failures;

        public Operation Operation { get; } = operation;

        public void Record(long micros, bool failed)
        {
            _recorder.RecordValue(micros);
            if (failed) Interlocked.Increment(ref _failures);
        }

        public void Drain(long slotIndex)
        {
            lock (_lock)
            {
                var interval = _recorder.GetIntervalHistogram(_recycle);
                _recycle = interval;
                var failures = Interlocked.Exchange(ref _failures, 0);
                if (interval.TotalCount == 0 && failures == 0) return;
                var slot = _slots[slotIndex % _slots.Length];
                if (slot.Index != slotIndex) slot.Reset(slotIndex);
                foreach (var value in interval.RecordedValues())
                {
                    slot.Values.Add(value.ValueIteratedTo);
                    slot.Counts.Add(value.CountAddedInThisIterationStep);
                }
                slot.Count += interval.TotalCount;
                slot.Failures += failures;
            }
        }

        public (long Count, long Failures) MergeInto(HistogramBase target, long first, long last)
        {
            long count = 0, failures = 0;
            lock (_lock)
            {
                foreach (var slot in _slots)
                {
                    if (slot.Index < first || slot.Index > last) continue;
                    for (var i = 0; i < slot.Values.Count; i++) target.RecordValueWithCount(slot.Values[i], slot.Counts[i]);
                    count += slot.Count;
                    failures += slot.Failures;
                }
            }
            return (count, failures);
        }
    }

    // One interval's counts, sparse: (value, count) for each bucket that holds any.
    private sealed class Slot
    {
        public long Index { get; private set; } = -1;
        public List<long> Values { get; } = [];
        public List<long> Counts { get; } = [];
        public long Count { get; set; }
        public long Failures { get; set; }

        public void Reset(long index)
        {
            Index = index;
            Values.Clear();
            Counts.Clear();
            Count = 0;
            Failures = 0;
        }
    }
}

/// <summary>Statistics of every operation seen in the longest window, at one moment.</summary>
internal sealed record LatencySnapshot(long Timestamp, DateTimeOffset GeneratedAt, IReadOnlyList<OperationLatencyStats> Operations);

/// <summary>One operation's statistics per window (in the order of <see cref="LatencyWindows.Windows"/>).</summary>
internal sealed record OperationLatencyStats(Operation Operation, IReadOnlyList<WindowStats> Windows);

/// <summary>
/// One window: requests, failures (outcome not ok), rate per second over the covered span, failure share, and the
/// quantiles of <see cref="LatencyWindows.Quantiles"/> in seconds (null when there was no request).
/// </summary>
internal sealed record WindowStats(long Count, long Failures, double RatePerSecond, double FailureRate, double[]? Seconds);
