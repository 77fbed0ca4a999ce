namespace OdooLatencyProxy.Collector;

/// <summary>
/// The statements the <c>db_activity</c> probe saw active in Odoo's database, each with the span it was seen in, so a
/// slow request can be matched with what PostgreSQL was doing meanwhile. Bounded: the statements that ended longest
/// ago are forgotten first. Sampling misses statements that start and end between two samples.
/// </summary>
public sealed class ActivityHistory
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(int Pid, DateTime QueryStart), ActiveStatement> _running = [];
    private readonly Queue<ActiveStatement> _ended = new();
    private readonly IActivitySampleListener[] _listeners;
    private DateTimeOffset? _lastSampleAt;
    private DateTimeOffset? _completeSince;

    internal ActivityHistory(int capacity, TimeSpan interval, bool sampling, IEnumerable<IActivitySampleListener> listeners)
    {
        Capacity = capacity;
        Interval = interval;
        Sampling = sampling;
        _listeners = [.. listeners];
    }

    /// <summary>True when the collector runs and samples pg_stat_activity; false when it is off.</summary>
    public bool Sampling { get; }

    /// <summary>Time between two samples (<c>Collector:ActivityInterval</c>): statements shorter than this may fall between them.</summary>
    public TimeSpan Interval { get; }

    /// <summary>Most statements remembered (<c>Collector:ActivityHistory</c>).</summary>
    public int Capacity { get; }

    /// <summary>When the last sample was taken, or null before the first.</summary>
    public DateTimeOffset? LastSampleAt
    {
        get { lock (_lock) return _lastSampleAt; }
    }

    /// <summary>From when on no seen statement was forgotten (the first sample, later the end of the last one forgotten); null before the first sample.</summary>
    public DateTimeOffset? CompleteSince
    {
        get { lock (_lock) return _completeSince; }
    }

    /// <summary>The statements seen active at some time in <c>[from, to]</c>, earliest start first.</summary>
    public IReadOnlyList<ActiveStatement> Overlapping(DateTimeOffset from, DateTimeOffset to)
    {
        var result = new List<ActiveStatement>();
        lock (_lock)
        {
            foreach (var s in _running.Values) if (s.Overlaps(from, to)) result.Add(s);
            foreach (var s in _ended) if (s.Overlaps(from, to)) result.Add(s);
        }
        result.Sort(static (a, b) => a.QueryStart.CompareTo(b.QueryStart));
        return result;
    }

    /// <summary>Every statement remembered, earliest start first.</summary>
    public IReadOnlyList<ActiveStatement> All() => Overlapping(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);

    /// <summary>
    /// Adds one sample: the rows active at <paramref name="sampledAt"/>. A row already seen (same backend, same
    /// <c>query_start</c>) only moves its last sighting; only new rows have their text normalised.
    /// </summary>
    internal void Add(DateTimeOffset sampledAt, IReadOnlyList<ActiveRow> rows, Func<string?, string> normalize)
    {
        lock (_lock)
        {
            var seen = new HashSet<(int, DateTime)>();
            foreach (var row in rows)
            {
                var key = (row.Pid, row.QueryStart);
                if (!seen.Add(key)) continue;
                _running[key] = _running.TryGetValue(key, out var known)
                    ? known with { LastSeen = sampledAt, WaitEventType = row.WaitEventType, WaitEvent = row.WaitEvent }
                    : new ActiveStatement(row.Pid, row.ApplicationName, normalize(row.Query), sampledAt - TimeSpan.FromSeconds(row.AgeSeconds),
                        sampledAt, sampledAt, row.WaitEventType, row.WaitEvent);
            }
            foreach (var key in _running.Keys.Where(k => !seen.Contains(k)).ToList())
            {
                _ended.Enqueue(_running[key]);
                _running.Remove(key);
            }
            _completeSince ??= sampledAt;
            while (_ended.Count > 0 && _running.Count + _ended.Count > Capacity)
            {
                var forgotten = _ended.Dequeue();
                if (forgotten.LastSeen > _completeSince) _completeSince = forgotten.LastSeen;
            }
            _lastSampleAt = sampledAt;
        }
        foreach (var listener in _listeners) listener.Sampled(this);
    }
}
