namespace OdooLatencyProxy.Collector;

/// <summary>What the log follower learned about crons, for the cron probe (16/17 log successes nowhere else).</summary>
internal sealed class CronTracker
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, DateTime> _lastSuccess = new(StringComparer.Ordinal);

    /// <summary>True once a log file is being followed.</summary>
    public bool LogFollowed { get; set; }

    /// <summary>Notes a successful run seen in the log.</summary>
    public void Succeeded(string cron, DateTime time)
    {
        lock (_lock)
        {
            if (!_lastSuccess.TryGetValue(cron, out var known) || known < time)
            {
                _lastSuccess[cron] = time;
            }
        }
    }

    /// <summary>The last successful run seen in the log, if any.</summary>
    public DateTime? LastSuccess(string cron)
    {
        lock (_lock)
        {
            return _lastSuccess.TryGetValue(cron, out var time) ? time : null;
        }
    }
}
