using Microsoft.Extensions.Options;
using Npgsql;

namespace OdooLatencyProxy.Collector;

/// <summary>
/// Active crons: interval, last run, next call, and on 18/19 the failures from <c>failure_count</c>.
/// </summary>
/// <remarks>
/// A 16/17 cron that fails advances <c>lastcall</c> like a successful one, so there the last success comes
/// only from the log (<see cref="CronLogProbe"/>). On 18/19 a run is a success when <c>failure_count</c> is 0.
/// Wherever successes can be seen, each cron also gets the time the collector first saw it (kept in the state
/// file): a cron that has failed on every run since then has no success at all, and "no success within twice
/// the interval" must still be judged for it.
/// </remarks>
internal sealed class CronProbe(CollectorMetrics metrics, CronTracker tracker, CollectorStateStore store, IOptions<CollectorOptions> options) : ICollectorProbe
{
    private const string StateKey = "cron.failures";
    private const string WatchedKey = "cron.watched_since";
    private readonly CollectorOptions _options = options.Value;
    private Dictionary<int, CronFailureState>? _failures;
    private readonly Dictionary<int, DateTime> _lastSuccess = [];
    private Dictionary<string, DateTime>? _watchedSince;

    public string Name => "cron";

    public TimeSpan Interval => _options.CronInterval;

    public async Task<string?> PollAsync(ProbeContext context, CancellationToken cancellationToken)
    {
        var schema = await context.SchemaAsync(cancellationToken);
        if (!schema.Has("ir_cron", "id", "cron_name", "active", "interval_number", "interval_type", "nextcall", "lastcall"))
        {
            return "table ir_cron not readable";
        }

        var withFailures = schema.Has("ir_cron", "failure_count", "first_failure_date");
        // cron_name is jsonb (translated) where the action name is translated: take the English name.
        var name = schema.TypeOf("ir_cron", "cron_name") == "jsonb"
            ? "COALESCE(cron_name->>'en_US', (SELECT value FROM jsonb_each_text(cron_name) LIMIT 1))"
            : "cron_name";
        var sql = $"SELECT id, {name}, interval_number, interval_type, lastcall, nextcall"
            + (withFailures ? ", failure_count, first_failure_date" : "")
            + " FROM ir_cron WHERE active ORDER BY id";

        _failures ??= store.Get(StateKey, CollectorJson.Default.DictionaryInt32CronFailureState);
        // Successes are visible on 18/19 from the table, on 16/17 only while the log is followed.
        var successesVisible = withFailures || tracker.LogFollowed;
        _watchedSince ??= store.Get(WatchedKey, CollectorJson.Default.DictionaryStringDateTime) ?? new(StringComparer.Ordinal);
        var watchedBefore = _watchedSince.Count;
        var now = successesVisible ? await context.DbNowAsync(cancellationToken) : default;
        var baseline = _failures is null;
        var failures = new Dictionary<int, CronFailureState>();
        var crons = new List<CronSnapshot>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand(sql, await context.ConnectionAsync(cancellationToken)))
        {
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetInt32(0);
                var cronName = reader.IsDBNull(1) ? $"cron #{id}" : reader.GetString(1);
                // Two crons may share a name; series must not collide.
                if (!names.Add(cronName))
                {
                    cronName = $"{cronName} #{id}";
                    names.Add(cronName);
                }

                var interval = IntervalSeconds(reader.GetInt32(2), reader.GetString(3));
                DateTime? lastRun = reader.IsDBNull(4) ? null : reader.GetDateTime(4);
                DateTime? nextCall = reader.IsDBNull(5) ? null : reader.GetDateTime(5);
                long? consecutive = null;
                DateTime? lastSuccess = tracker.LastSuccess(cronName);
                if (withFailures)
                {
                    var count = reader.IsDBNull(6) ? 0 : reader.GetInt32(6);
                    DateTime? firstFailure = reader.IsDBNull(7) ? null : reader.GetDateTime(7);
                    consecutive = count;
                    var state = new CronFailureState(count, firstFailure);
                    failures[id] = state;
                    if (!baseline && _failures!.TryGetValue(id, out var before))
                    {
                        var added = NewFailures(before, state);
                        if (added > 0)
                        {
                            metrics.CronFailed(cronName, added);
                        }
                    }

                    if (count == 0 && lastRun is { } ok)
                    {
                        _lastSuccess[id] = ok;
                    }

                    if (_lastSuccess.TryGetValue(id, out var known) && (lastSuccess is null || known > lastSuccess))
                    {
                        lastSuccess = known;
                    }
                }

                DateTime? watchedSince = null;
                if (successesVisible)
                {
                    watchedSince = _watchedSince.TryGetValue(cronName, out var since) ? since : _watchedSince[cronName] = now;
                }

                crons.Add(new CronSnapshot(cronName, interval, lastRun, lastSuccess, nextCall, consecutive, watchedSince));
            }
        }

        metrics.SetCrons(crons);
        // A cron deactivated or deleted starts a new clock if it comes back; the state file keeps active crons only.
        var gone = successesVisible ? _watchedSince.Keys.Where(k => !names.Contains(k)).ToList() : [];
        foreach (var cron in gone)
        {
            _watchedSince.Remove(cron);
        }

        if (_watchedSince.Count != watchedBefore || gone.Count > 0)
        {
            store.Set(WatchedKey, _watchedSince, CollectorJson.Default.DictionaryStringDateTime);
        }
        if (withFailures)
        {
            _failures = failures;
            store.Set(StateKey, failures, CollectorJson.Default.DictionaryInt32CronFailureState);
        }

        return null;
    }

    public void Clear() => metrics.SetCrons([]);

    /// <summary>Failures between two readings of one cron's failure_count / first_failure_date.</summary>
    /// <remarks>A streak that ended and a new one that began between two polls loses the old streak's unseen tail.</remarks>
    public static long NewFailures(CronFailureState before, CronFailureState now)
    {
        if (now.Count == 0)
        {
            return 0;
        }

        var sameStreak = before.Count > 0 && before.FirstFailure == now.FirstFailure;
        return sameStreak ? Math.Max(0, now.Count - before.Count) : now.Count;
    }

    /// <summary>Odoo's interval in seconds; months count as 30 days.</summary>
    public static double IntervalSeconds(int number, string type) => number * type switch
    {
        "minutes" => 60,
        "hours" => 3600,
        "days" or "work_days" => 86400,
        "weeks" => 7 * 86400,
        "months" => 30 * 86400,
        _ => 0,
    };
}

/// <summary>One cron's failure_count and first_failure_date as last read.</summary>
internal sealed record CronFailureState(int Count, DateTime? FirstFailure);
