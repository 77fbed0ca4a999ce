using System.Diagnostics;
using HdrHistogram;

namespace OdooLatencyProxy.LoadTest.Engine;

/// <summary>Per-operation HDR histograms, outcome counts and run counters; thread-safe.</summary>
/// <remarks>
/// Two latencies per request: <em>latency</em> from the intended send time (what a user waiting since then sees; the open
/// model's schedule makes a stall visible in it) and <em>service time</em> from the moment the request was actually written
/// (what the server saw, the figure to hold against the proxy's own percentiles).
/// </remarks>
internal sealed class ResultCollector
{
    /// <summary>Largest latency the histograms hold: one hour, in microseconds.</summary>
    public const long HighestTrackableMicros = 3_600_000_000;

    /// <summary>Significant digits of every histogram: 3, the same precision as the proxy's windows (0.1 % of the value).</summary>
    public const int SignificantDigits = 3;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, OperationStats> _operations = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];
    private readonly List<Sample> _samples = [];
    private readonly Dictionary<string, (long Count, string? Example)> _problems = new(StringComparer.Ordinal);
    private readonly int _maxSamples;
    private LongHistogram _interval = NewHistogram();
    private long _sent;
    private long _completed;
    private long _failures;
    private long _late;
    private long _dropped;
    private long _inFlight;
    private long _maxInFlight;

    public ResultCollector(long startTimestamp, int maxSamples = 2_000_000)
    {
        StartTimestamp = startTimestamp;
        _maxSamples = maxSamples;
    }

    /// <summary><see cref="Stopwatch.GetTimestamp"/> at the start of the run.</summary>
    public long StartTimestamp { get; }

    public long Sent => Interlocked.Read(ref _sent);

    public long Completed => Interlocked.Read(ref _completed);

    public long Failures => Interlocked.Read(ref _failures);

    public long Late => Interlocked.Read(ref _late);

    public long Dropped => Interlocked.Read(ref _dropped);

    public long InFlight => Interlocked.Read(ref _inFlight);

    public long MaxInFlight => Interlocked.Read(ref _maxInFlight);

    /// <summary>True when more requests finished than the sample buffer holds (charts then cover the first ones only).</summary>
    public bool SamplesTruncated { get; private set; }

    public void OnSent()
    {
        Interlocked.Increment(ref _sent);
        var now = Interlocked.Increment(ref _inFlight);
        long max;
        while (now > (max = Interlocked.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max)
        {
        }
    }

    /// <summary>A sent request that ends unrecorded (the run was cancelled under it).</summary>
    public void OnAbandoned() => Interlocked.Decrement(ref _inFlight);

    public void OnLate() => Interlocked.Increment(ref _late);

    /// <summary>Counts a step that went wrong beyond a request's outcome (a failed capture, a skipped step), by reason; keeps the first example (e.g. the answer).</summary>
    public void OnProblem(string reason, string? example = null)
    {
        lock (_lock)
        {
            var (count, first) = _problems.GetValueOrDefault(reason);
            _problems[reason] = (count + 1, first ?? example);
        }
    }

    /// <summary>Problems so far, by reason, with the first example.</summary>
    public IReadOnlyDictionary<string, (long Count, string? Example)> Problems()
    {
        lock (_lock)
        {
            return new SortedDictionary<string, (long, string?)>(_problems, StringComparer.Ordinal);
        }
    }

    public void OnDropped() => Interlocked.Increment(ref _dropped);

    /// <summary>Records a finished (or failed) request; timestamps are <see cref="Stopwatch.GetTimestamp"/> values.</summary>
    public void Record(string operation, string outcome, long intendedTimestamp, long sentTimestamp, long endTimestamp)
    {
        var failed = outcome != "ok";
        var intendedUs = ToMicros(intendedTimestamp - StartTimestamp);
        var latencyUs = Clamp(ToMicros(endTimestamp - intendedTimestamp));
        var serviceUs = Clamp(ToMicros(endTimestamp - sentTimestamp));
        lock (_lock)
        {
            if (!_operations.TryGetValue(operation, out var stats))
            {
                stats = new OperationStats(_names.Count);
                _operations.Add(operation, stats);
                _names.Add(operation);
            }

            stats.Latency.RecordValue(latencyUs);
            stats.Service.RecordValue(serviceUs);
            stats.Outcomes[outcome] = stats.Outcomes.GetValueOrDefault(outcome) + 1;
            if (failed)
            {
                stats.Failures++;
            }

            _interval.RecordValue(latencyUs);
            if (_samples.Count < _maxSamples)
            {
                _samples.Add(new Sample(stats.Index, intendedUs, latencyUs, serviceUs, failed));
            }
            else
            {
                SamplesTruncated = true;
            }
        }

        Interlocked.Decrement(ref _inFlight);
        Interlocked.Increment(ref _completed);
        if (failed)
        {
            Interlocked.Increment(ref _failures);
        }
    }

    /// <summary>Requests of <paramref name="operation"/> finished so far.</summary>
    public long Operations(string operation)
    {
        lock (_lock)
        {
            return _operations.TryGetValue(operation, out var stats) ? stats.Latency.TotalCount : 0;
        }
    }

    /// <summary>Latency histogram of everything since the last call (for the progress line), then starts a new interval.</summary>
    public LongHistogram TakeInterval()
    {
        lock (_lock)
        {
            var interval = _interval;
            _interval = NewHistogram();
            return interval;
        }
    }

    /// <summary>A consistent copy of everything recorded so far.</summary>
    public CollectorSnapshot Snapshot()
    {
        lock (_lock)
        {
            var operations = _operations.ToDictionary(
                p => p.Key,
                p => new OperationSnapshot(p.Key, p.Value.Latency.Copy(), p.Value.Service.Copy(), p.Value.Failures,
                    new SortedDictionary<string, long>(p.Value.Outcomes, StringComparer.Ordinal)),
                StringComparer.Ordinal);
            return new CollectorSnapshot(operations, [.. _names], [.. _samples], SamplesTruncated);
        }
    }

    public static LongHistogram NewHistogram() => new(HighestTrackableMicros, SignificantDigits);

    public static long ToMicros(long stopwatchTicks) => stopwatchTicks * 1_000_000 / Stopwatch.Frequency;

    private static long Clamp(long micros) => Math.Clamp(micros, 0, HighestTrackableMicros);

    private sealed class OperationStats(int index)
    {
        public int Index { get; } = index;

        public LongHistogram Latency { get; } = NewHistogram();

        public LongHistogram Service { get; } = NewHistogram();

        public long Failures { get; set; }

        public Dictionary<string, long> Outcomes { get; } = new(StringComparer.Ordinal);
    }
}
