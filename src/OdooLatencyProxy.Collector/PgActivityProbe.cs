using Microsoft.Extensions.Options;
using Npgsql;

namespace OdooLatencyProxy.Collector;

/// <summary>What holds the database now: the oldest open transactions and longest queries of Odoo's database.</summary>
/// <remarks>The list goes to the JSON API only (per-backend series would never end); metrics get the two maxima.</remarks>
internal sealed class PgActivityProbe(CollectorMetrics metrics, CollectorStatus status, TimeProvider timeProvider, IOptions<CollectorOptions> options) : ICollectorProbe
{
    private readonly CollectorOptions _options = options.Value;

    public string Name => "db_activity";

    public TimeSpan Interval => _options.ActivityInterval;

    public async Task<string?> PollAsync(ProbeContext context, CancellationToken cancellationToken)
    {
        var connection = await context.ConnectionAsync(cancellationToken);
        var items = new List<ActivityEntry>();
        await using (var cmd = new NpgsqlCommand(
            """
            SELECT pid, COALESCE(application_name, ''), state, wait_event_type, wait_event,
                   EXTRACT(EPOCH FROM clock_timestamp() - xact_start)::float8,
                   CASE WHEN state = 'active' THEN EXTRACT(EPOCH FROM clock_timestamp() - query_start)::float8 END,
                   query
            FROM pg_stat_activity
            WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
              AND application_name <> @self
              AND (xact_start IS NOT NULL OR state = 'active')
            ORDER BY COALESCE(xact_start, query_start) ASC NULLS LAST
            LIMIT @limit
            """, connection))
        {
            cmd.Parameters.AddWithValue("self", CollectorServiceCollectionExtensions.ApplicationName);
            cmd.Parameters.AddWithValue("limit", _options.TopActivity);
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(new ActivityEntry(
                    reader.GetInt32(0),
                    reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.IsDBNull(5) ? null : Math.Max(0, reader.GetDouble(5)),
                    reader.IsDBNull(6) ? null : Math.Max(0, reader.GetDouble(6)),
                    // Literals are removed here, before the text leaves the probe: values, passwords in ALTER ROLE, tokens.
                    SqlText.Normalize(reader.IsDBNull(7) ? null : reader.GetString(7), _options.MaxQueryTextLength)));
            }
        }

        status.Activity = new ActivitySnapshot(timeProvider.GetUtcNow(), items);
        metrics.SetActivity(
            items.Max(i => i.TransactionAgeSeconds),
            items.Max(i => i.QueryAgeSeconds));
        return null;
    }

    public void Clear()
    {
        metrics.SetActivity(null, null);
        status.Activity = null;
    }
}
