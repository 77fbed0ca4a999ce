using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace OdooLatencyProxy.Collector;

/// <summary>
/// Follows Odoo's log for cron failures and successes. On 16/17 the log is the only place a cron failure
/// shows; on 18/19 failures come from <c>failure_count</c> instead and the log only adds success times.
/// </summary>
internal sealed class CronLogProbe : ICollectorProbe, IDisposable
{
    // Log names are Odoo's cron names, but a bound keeps a strange log from creating endless series.
    private const int MaxCrons = 1000;
    private readonly CollectorMetrics _metrics;
    private readonly CronTracker _tracker;
    private readonly CollectorOptions _options;
    private readonly OdooLogFollower? _follower;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public CronLogProbe(CollectorMetrics metrics, CronTracker tracker, IOptions<CollectorOptions> options, ILogger<CronLogProbe> logger)
    {
        _metrics = metrics;
        _tracker = tracker;
        _options = options.Value;
        if (!string.IsNullOrWhiteSpace(_options.LogPath))
        {
            var database = new NpgsqlConnectionStringBuilder(_options.ConnectionString).Database;
            _follower = new OdooLogFollower(_options.LogPath, database);
            var path = _options.LogPath;
            _follower.Rotated += () => CollectorLog.LogRotated(logger, path);
        }
    }

    public string Name => "cron_log";

    public TimeSpan Interval => _options.LogInterval;

    public Task<string?> PollAsync(ProbeContext context, CancellationToken cancellationToken)
    {
        if (_follower is null)
        {
            return Task.FromResult<string?>("no Odoo log configured (Collector:LogPath): 16/17 cron failures cannot be seen");
        }

        _tracker.LogFollowed = true;
        // Unknown version (database not reached yet) counts from the log: that is right for 16/17, and 18/19
        // only double count until the schema is known.
        var failuresInTable = context.CachedSchema?.Has("ir_cron", "failure_count") == true;
        foreach (var e in _follower.Poll())
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
        return _follower.Problem is { } problem ? throw new IOException(problem) : Task.FromResult<string?>(null);
    }

    public void Clear()
    {
    }

    public void Dispose() => _follower?.Dispose();
}
