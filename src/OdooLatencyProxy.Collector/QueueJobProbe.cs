using Microsoft.Extensions.Options;
using Npgsql;

namespace OdooLatencyProxy.Collector;

/// <summary>
/// OCA queue_job: state gauges per channel, and done/failed counters counted exactly once.
/// </summary>
/// <remarks>
/// queue_job has no write_date and a failed job no failure time (docs/collector.md). Done jobs are
/// counted from <c>date_done</c>; failures from the dated "Job failed" chatter messages (subtype
/// <c>queue_job.mt_job_failed</c>), both through a <see cref="SeenSet"/> watermark that the state file can
/// carry across restarts. Without that subtype, failures fall back to diffing the set of failed jobs
/// between polls, which cannot see what happened while the collector was down.
/// </remarks>
internal sealed class QueueJobProbe(CollectorMetrics metrics, CollectorStateStore store, IOptions<CollectorOptions> options) : ICollectorProbe
{
    private const string DoneKey = "queue_job.done";
    private const string FailedKey = "queue_job.failed";
    private readonly CollectorOptions _options = options.Value;
    private readonly SeenSet _done = new();
    private readonly SeenSet _failed = new();
    private HashSet<string>? _failedJobs;
    // Channels that have had jobs since start: their oldest pending age reads 0 when nothing waits, instead of vanishing.
    private readonly HashSet<string> _channels = new(StringComparer.Ordinal);

    public string Name => "queue_job";

    public TimeSpan Interval => _options.QueueJobInterval;

    public async Task<string?> PollAsync(ProbeContext context, CancellationToken cancellationToken)
    {
        var schema = await context.SchemaAsync(cancellationToken);
        if (!schema.Has("queue_job", "uuid", "state", "channel", "date_created", "date_enqueued", "date_started", "date_done", "eta", "exec_time", "retry"))
        {
            return "table queue_job (OCA queue_job) not installed or not readable";
        }

        var connection = await context.ConnectionAsync(cancellationToken);
        var now = await context.DbNowAsync(cancellationToken);
        Restore(now);

        await ReadStatesAsync(connection, now, cancellationToken);
        await ReadDoneAsync(connection, now, cancellationToken);
        var subtype = await FailedSubtypeAsync(schema, connection, cancellationToken);
        if (subtype is { } id)
        {
            await ReadFailureMessagesAsync(connection, id, now, cancellationToken);
        }
        else
        {
            await DiffFailedJobsAsync(connection, cancellationToken);
        }

        store.Set(DoneKey, _done.Save(), CollectorJson.Default.SeenSetState);
        store.Set(FailedKey, _failed.Save(), CollectorJson.Default.SeenSetState);
        return null;
    }

    public void Clear()
    {
        metrics.SetJobStates([]);
        metrics.SetOldestPending([]);
    }

    private void Restore(DateTime now)
    {
        _done.RestoreOnce(() => store.Get(DoneKey, CollectorJson.Default.SeenSetState), now - _options.MaxCatchUp);
        _failed.RestoreOnce(() => store.Get(FailedKey, CollectorJson.Default.SeenSetState), now - _options.MaxCatchUp);
    }

    private async Task ReadStatesAsync(NpgsqlConnection connection, DateTime now, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT channel, state, count(*),
                   EXTRACT(EPOCH FROM @now - min(COALESCE(eta, date_created))
                       FILTER (WHERE state IN ('pending', 'enqueued') AND (eta IS NULL OR eta <= @now)))::float8
            FROM queue_job
            WHERE state IN ('wait_dependencies', 'pending', 'enqueued', 'started', 'failed')
            GROUP BY channel, state
            """;
        var states = new List<(string, string, long)>();
        var oldest = new Dictionary<string, double>(StringComparer.Ordinal);
        await using var cmd = new NpgsqlCommand(sql, connection);
        cmd.Parameters.AddWithValue("now", now);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var channel = reader.IsDBNull(0) ? "root" : reader.GetString(0);
            _channels.Add(channel);
            states.Add((channel, reader.GetString(1), reader.GetInt64(2)));
            if (!reader.IsDBNull(3))
            {
                var age = Math.Max(0, reader.GetDouble(3));
                oldest[channel] = Math.Max(age, oldest.GetValueOrDefault(channel));
            }
        }

        metrics.SetJobStates(states);
        metrics.SetOldestPending(_channels.Select(c => (c, oldest.GetValueOrDefault(c))));
    }

    private async Task ReadDoneAsync(NpgsqlConnection connection, DateTime now, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT uuid, channel, retry, exec_time, EXTRACT(EPOCH FROM date_started - date_enqueued)::float8, date_done
            FROM queue_job
            WHERE state = 'done' AND date_done >= @from
            """;
        var baseline = _done.IsBaseline;
        await using (var cmd = new NpgsqlCommand(sql, connection))
        {
            cmd.Parameters.AddWithValue("from", baseline ? now - _options.CommitMargin : _done.From(_options.CommitMargin));
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var channel = reader.IsDBNull(1) ? "root" : reader.GetString(1);
                _channels.Add(channel);
                if (!_done.Add(reader.GetString(0), reader.GetDateTime(5)) || baseline)
                {
                    continue;
                }

                metrics.JobFinished(
                    channel,
                    "done",
                    reader.IsDBNull(2) ? 0 : reader.GetInt32(2),
                    reader.IsDBNull(3) ? null : reader.GetDouble(3),
                    reader.IsDBNull(4) ? null : reader.GetDouble(4));
                Integration(channel, "ok");
            }
        }

        _done.Advance(now, _options.CommitMargin);
    }

    private async Task ReadFailureMessagesAsync(NpgsqlConnection connection, int subtype, DateTime now, CancellationToken cancellationToken)
    {
        // The message's job may have been deleted since (autovacuum of old jobs): count it on channel "unknown".
        const string sql = """
            SELECT m.id, m.date, j.channel, j.retry, EXTRACT(EPOCH FROM j.date_started - j.date_enqueued)::float8, j.id IS NOT NULL
            FROM mail_message m LEFT JOIN queue_job j ON j.id = m.res_id
            WHERE m.model = 'queue.job' AND m.subtype_id = @subtype AND m.date >= @from
            """;
        var baseline = _failed.IsBaseline;
        await using (var cmd = new NpgsqlCommand(sql, connection))
        {
            cmd.Parameters.AddWithValue("subtype", subtype);
            cmd.Parameters.AddWithValue("from", baseline ? now - _options.CommitMargin : _failed.From(_options.CommitMargin));
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = reader.GetInt32(0).ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (!_failed.Add(key, reader.GetDateTime(1)) || baseline)
                {
                    continue;
                }

                var channel = !reader.GetBoolean(5) ? "unknown" : reader.IsDBNull(2) ? "root" : reader.GetString(2);
                metrics.JobFinished(
                    channel,
                    "failed",
                    reader.IsDBNull(3) ? 0 : reader.GetInt32(3),
                    null,
                    reader.IsDBNull(4) ? null : reader.GetDouble(4));
                Integration(channel, "failed");
            }
        }

        _failed.Advance(now, _options.CommitMargin);
    }

    private async Task DiffFailedJobsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT uuid, channel, retry, EXTRACT(EPOCH FROM date_started - date_enqueued)::float8
            FROM queue_job WHERE state = 'failed'
            """;
        var current = new HashSet<string>(StringComparer.Ordinal);
        var baseline = _failedJobs is null;
        await using (var cmd = new NpgsqlCommand(sql, connection))
        {
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var uuid = reader.GetString(0);
                current.Add(uuid);
                if (baseline || _failedJobs!.Contains(uuid))
                {
                    continue;
                }

                var channel = reader.IsDBNull(1) ? "root" : reader.GetString(1);
                metrics.JobFinished(
                    channel,
                    "failed",
                    reader.IsDBNull(2) ? 0 : reader.GetInt32(2),
                    null,
                    reader.IsDBNull(3) ? null : reader.GetDouble(3));
                Integration(channel, "failed");
            }
        }

        _failedJobs = current;
    }

    private static async Task<int?> FailedSubtypeAsync(OdooSchema schema, NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (!schema.Has("mail_message", "id", "model", "res_id", "subtype_id", "date") || !schema.Has("ir_model_data", "module", "name", "model", "res_id"))
        {
            return null;
        }

        await using var cmd = new NpgsqlCommand(
            "SELECT res_id FROM ir_model_data WHERE module = 'queue_job' AND name = 'mt_job_failed' AND model = 'mail.message.subtype'",
            connection);
        return await cmd.ExecuteScalarAsync(cancellationToken) is int id ? id : null;
    }

    private void Integration(string channel, string outcome)
    {
        // The most specific configured channel wins: "root.edi.orders" maps through "root.edi" unless listed itself.
        string? best = null;
        foreach (var key in _options.IntegrationChannels.Keys)
        {
            if ((channel == key || channel.StartsWith(key + ".", StringComparison.Ordinal)) && (best is null || key.Length > best.Length))
            {
                best = key;
            }
        }

        if (best is not null)
        {
            metrics.IntegrationOperation(_options.IntegrationChannels[best], outcome);
        }
    }
}
