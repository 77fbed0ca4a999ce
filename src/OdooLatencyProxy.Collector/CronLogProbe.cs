using Microsoft.Extensions.Options;

namespace OdooLatencyProxy.Collector;

/// <summary>
/// Follows Odoo's log for cron failures and successes. On 16/17 the log is the only place a cron failure
/// shows; on 18/19 failures come from <c>failure_count</c> instead and the log only adds success times. The events come
/// from <see cref="OdooLogTail"/>, the log's one reader.
/// </summary>
internal sealed class CronLogProbe : ICollectorProbe
{
    // Log names are Odoo's cron names, but a bound keeps a strange log from creating endless series.
    private const int MaxCrons = 1000;
    private readonly CollectorMetrics _metrics;
    private readonly CronTracker _tracker;
    private readonly CollectorOptions _options;
    private readonly CronLogEvents? _events;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public CronLogProbe(CollectorMetrics metrics, CronTracker tracker, IOptions<CollectorOptions> options, CronLogEvents? events = null)
    {
        _metrics = metrics;
        _tracker = tracker;
        _options = options.Value;
        _events = string.IsNullOrWhiteSpace(_options.LogPath) ? null : events;
    }

    public string Name => "cron_log";

    public TimeSpan Interval => _options.LogInterval;

    public Task<string?> PollAsync(ProbeContext context, CancellationToken cancellationToken)
    {
        if (_events is null)
        {
            return Task.FromResult<string?>("no Odoo log configured (Collector:LogPath): 16/17 cron failures cannot be seen");
        }

        _tracker.LogFollowed = true;
        // Unknown version (database not reached yet) counts from the log: that is right for 16/17, and 18/19
        // only double count until the schema is known.
        var failuresInTable = context.CachedSchema?.Has("ir_cron", "failure_count") == true;
        foreach (var e in _events.Take())
        {
            if (!_names.Contains(e.Cron) && _names.Count >= MaxCrons)
            {
                continue;
            }

            _names.Add(e.Cron);
            if (e.Succeeded)
            {
                _tracker.Succeeded(e.Cron, e.Time);
            }
            else if (!failuresInTable)
            {
                _metrics.CronFailed(e.Cron);
            }
        }

        // Events read from the old file still count; a log that cannot be followed is an error until it is back.
        return _events.Problem is { } problem ? throw new IOException(problem) : Task.FromResult<string?>(null);
    }

    public void Clear()
    {
    }
}
