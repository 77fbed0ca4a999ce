namespace OdooLatencyProxy.Collector;

/// <summary>
/// Counts each dated event once although rows can become visible after a later-dated row: every poll
/// looks back <c>margin</c> before the watermark and remembers the keys it has counted inside that window.
/// </summary>
internal sealed class SeenSet
{
    private readonly Dictionary<string, DateTime> _seen = new(StringComparer.Ordinal);
    private bool _restoreTried;

    /// <summary>Counted events are not counted before this point; null until the first poll set a baseline.</summary>
    public DateTime? Watermark { get; private set; }

    /// <summary>The lower bound of the next query: the watermark minus the margin.</summary>
    public DateTime From(TimeSpan margin) => Watermark is { } w ? w - margin : DateTime.MinValue;

    /// <summary>True on the first poll without restored state: rows seen then are the baseline and are not counted.</summary>
    public bool IsBaseline => Watermark is null;

    /// <summary>Sets the start of counting (first poll without restored state).</summary>
    public void Start(DateTime dbNow) => Watermark = dbNow;

    /// <summary>Records an event; true when it was not seen before and should be counted.</summary>
    public bool Add(string key, DateTime at) => _seen.TryAdd(key, at);

    /// <summary>Moves the watermark to the database time the poll started at and forgets keys older than the look-back window.</summary>
    public void Advance(DateTime dbNow, TimeSpan margin)
    {
        Watermark = dbNow;
        var cutoff = dbNow - margin - margin;
        foreach (var (key, at) in _seen.Where(kv => kv.Value < cutoff).ToList())
        {
            _seen.Remove(key);
        }
    }

    /// <summary>What the state file keeps.</summary>
    public SeenSetState Save() => new(Watermark, new Dictionary<string, DateTime>(_seen, StringComparer.Ordinal));

    /// <summary>On the first call only: resumes from what <paramref name="load"/> finds in the state file, if anything.</summary>
    public void RestoreOnce(Func<SeenSetState?> load, DateTime oldest)
    {
        if (_restoreTried) return;
        _restoreTried = true;
        if (load() is { } state) Restore(state, oldest);
    }

    /// <summary>Resumes from a state file, never further back than <paramref name="oldest"/>.</summary>
    public void Restore(SeenSetState state, DateTime oldest)
    {
        if (state.Watermark is not { } w)
        {
            return;
        }

        Watermark = w < oldest ? oldest : w;
        foreach (var (key, at) in state.Seen)
        {
            _seen[key] = at;
        }
    }
}

/// <summary>Serialized form of a <see cref="SeenSet"/>.</summary>
internal sealed record SeenSetState(DateTime? Watermark, Dictionary<string, DateTime> Seen);
