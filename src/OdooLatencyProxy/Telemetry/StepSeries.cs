namespace OdooLatencyProxy.Telemetry;

/// <summary>
/// A value that changes in steps, accumulated exactly into one-second buckets: time-weighted integral, time spent
/// in the "saturated" state, and the peak. Writers call <see cref="Set"/> (under the pool's lock); readers any time.
/// </summary>
internal sealed class StepSeries(TimeProvider time, long start)
{
    private readonly long _origin = start;
    private const int Buckets = WorkerSaturation.HistorySeconds + 1;
    private readonly Lock _lock = new();
    private readonly long _bucketTicks = time.TimestampFrequency;
    private readonly long[] _index = NewIndex();
    private readonly double[] _valueTicks = new double[Buckets];
    private readonly long[] _saturatedTicks = new long[Buckets];
    private readonly int[] _peak = new int[Buckets];
    private long _last = start;
    private long _totalSaturatedTicks;
    // The value since the last change: what the time since then is accounted at. The live count is the pool's.
    private int _value;
    private bool _saturated;

    public void Set(int value, bool saturated, long now)
    {
        lock (_lock)
        {
            Advance(now);
            _value = value;
            _saturated = saturated;
            var slot = Touch(Bucket(now));
            if (value > _peak[slot]) _peak[slot] = value;
        }
    }

    /// <summary>Share (0..1) of the last <paramref name="seconds"/> (whole seconds plus the current one so far) spent saturated.</summary>
    public double SaturatedShare(int seconds, long now)
    {
        lock (_lock)
        {
            Advance(now);
            var current = Bucket(now);
            var first = Math.Max(0, current - seconds + 1);
            long saturated = 0;
            for (var b = first; b <= current; b++)
            {
                var slot = Slot(b);
                if (_index[slot] == b) saturated += _saturatedTicks[slot];
            }
            var span = now - (_origin + first * _bucketTicks);
            return span <= 0 ? (_saturated ? 1 : 0) : Math.Min(1, (double)saturated / span);
        }
    }

    /// <summary>Seconds spent saturated since start (a counter: rate() over it gives any window in PromQL).</summary>
    public double TotalSaturatedSeconds(long now)
    {
        lock (_lock)
        {
            Advance(now);
            return _totalSaturatedTicks / (double)_bucketTicks;
        }
    }

    /// <summary>The last <see cref="WorkerSaturation.HistorySeconds"/> seconds, oldest first: mean value per second, or its peak.</summary>
    public double[] History(long now, bool peak)
    {
        lock (_lock)
        {
            Advance(now);
            var current = Bucket(now);
            var result = new double[WorkerSaturation.HistorySeconds];
            for (var i = 0; i < result.Length; i++)
            {
                var b = current - result.Length + 1 + i;
                if (b < 0) continue;
                var slot = Slot(b);
                if (_index[slot] != b)
                {
                    result[i] = _value; // No change in that second: the value held throughout.
                    continue;
                }
                if (peak)
                {
                    result[i] = _peak[slot];
                }
                else
                {
                    var span = b == current ? now - (_origin + b * _bucketTicks) : _bucketTicks;
                    result[i] = span > 0 ? _valueTicks[slot] / span : _value;
                }
            }
            return result;
        }
    }

    // Accounts the time since the last change to the value and state that held during it. Caller holds the lock.
    private void Advance(long now)
    {
        if (now <= _last) return;
        if (_saturated) _totalSaturatedTicks += now - _last;
        // Buckets older than the history are never read: skip them.
        var t = Math.Max(_last, now - (Buckets * _bucketTicks));
        while (t < now)
        {
            var bucket = Bucket(t);
            var end = Math.Min(now, _origin + (bucket + 1) * _bucketTicks);
            var slot = Touch(bucket);
            _valueTicks[slot] += (double)_value * (end - t);
            if (_saturated) _saturatedTicks[slot] += end - t;
            t = end;
        }
        _last = now;
    }

    // The slot of a bucket, cleared when it last held an older bucket.
    private int Touch(long bucket)
    {
        var slot = Slot(bucket);
        if (_index[slot] != bucket)
        {
            _index[slot] = bucket;
            _valueTicks[slot] = 0;
            _saturatedTicks[slot] = 0;
            _peak[slot] = _value;
        }
        return slot;
    }

    private long Bucket(long timestamp) => Math.Max(0, timestamp - _origin) / _bucketTicks;

    private static int Slot(long bucket) => (int)(bucket % Buckets);

    private static long[] NewIndex()
    {
        var index = new long[Buckets];
        Array.Fill(index, -1);
        return index;
    }
}
