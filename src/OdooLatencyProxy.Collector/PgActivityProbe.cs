using Microsoft.Extensions.Options;
using Npgsql;

namespace OdooLatencyProxy.Collector;

/// <summary>
/// What holds the database now: the oldest open transactions and longest queries of Odoo's database, and every active
/// statement, which goes to <see cref="ActivityHistory"/> (slow-request forensics).
/// </summary>
/// <remarks>The list goes to the JSON API only (per-backend series would never end); metrics get the two maxima.</remarks>
internal sealed class PgActivityProbe(
    CollectorMetrics metrics, CollectorStatus status, ActivityHistory history, TimeProvider timeProvider, IOptions<CollectorOptions> options) : ICollectorProbe
{
    // Active statements kept per sample beyond the oldest TopActivity: more than Odoo's workers and crons ever run at once.
    internal const int MaxActivePerSample = 200;

    private readonly CollectorOptions _options = options.Value;

    public string Name => "db_activity";

    public TimeSpan Interval => _options.ActivityInterval;

    public async Task<string?> PollAsync(ProbeContext context, CancellationToken cancellationToken)
    {
        var connection = await context.ConnectionAsync(cancellationToken);
        var items = new List<ActivityEntry>();
        var active = new List<ActiveRow>();
        DateTimeOffset sampledAt;
        // One read of pg_stat_activity serves both lists: the TopActivity oldest (by rank) and every active statement.
        await using (var cmd = new NpgsqlCommand(
            """
            SELECT pid, application_name, state, wait_event_type, wait_event, xact_age, query_age, query, query_start, rank
            FROM (
                SELECT pid, COALESCE(application_name, '') AS application_name, state, wait_event_type, wait_event,
                       EXTRACT(EPOCH FROM clock_timestamp() - xact_start)::float8 AS xact_age,
                       CASE WHEN state = 'active' THEN EXTRACT(EPOCH FROM clock_timestamp() - query_start)::float8 END AS query_age,
                       query, query_start,
                       row_number() OVER (ORDER BY COALESCE(xact_start, query_start) ASC NULLS LAST) AS rank
                FROM pg_stat_activity
                WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
                  AND application_name <> @self
                  AND (xact_start IS NOT NULL OR state = 'active')
            ) a
            WHERE rank <= @limit OR state = 'active'
            ORDER BY rank
            LIMIT @cap
            """, connection))
        {
            cmd.Parameters.AddWithValue("self", CollectorServiceCollectionExtensions.ApplicationName);
            cmd.Parameters.AddWithValue("limit", (long)_options.TopActivity);
            cmd.Parameters.AddWithValue("cap", (long)_options.TopActivity + MaxActivePerSample);
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            // The ages are PostgreSQL's, the sample time ours: spans stay on this process's clock whatever the server's says.
            sampledAt = timeProvider.GetUtcNow();
            while (await reader.ReadAsync(cancellationToken))
            {
                var pid = reader.GetInt32(0);
                var application = reader.GetString(1);
                var state = reader.IsDBNull(2) ? null : reader.GetString(2);
                var waitType = reader.IsDBNull(3) ? null : reader.GetString(3);
                var wait = reader.IsDBNull(4) ? null : reader.GetString(4);
                double? queryAge = reader.IsDBNull(6) ? null : Math.Max(0, reader.GetDouble(6));
                var query = reader.IsDBNull(7) ? null : reader.GetString(7);
                if (reader.GetInt64(9) <= _options.TopActivity)
                {
                    items.Add(new ActivityEntry(
                        pid, application, state, waitType, wait,
                        reader.IsDBNull(5) ? null : Math.Max(0, reader.GetDouble(5)),
                        queryAge,
                        // Literals are removed here, before the text leaves the probe: values, passwords in ALTER ROLE, tokens.
                        SqlText.Normalize(query, _options.MaxQueryTextLength)));
                }
                if (state == "active" && queryAge is { } age && !reader.IsDBNull(8))
                {
                    active.Add(new ActiveRow(pid, application, reader.GetDateTime(8), age, query, waitType, wait));
                }
            }
        }

        status.Activity = new ActivitySnapshot(sampledAt, items);
        metrics.SetActivity(
            items.Max(i => i.TransactionAgeSeconds),
            items.Max(i => i.QueryAgeSeconds));
        history.Add(sampledAt, active, text => SqlText.Normalize(text, _options.MaxQueryTextLength));
        return null;
    }

    public void Clear()
    {
        metrics.SetActivity(null, null);
        status.Activity = null;
    }
}
