using Microsoft.Extensions.Options;
using Npgsql;

namespace OdooLatencyProxy.Collector;

/// <summary>Connections to Odoo's database by state and client kind, against the server's <c>max_connections</c>.</summary>
/// <remarks>Other roles' states read as "unknown" unless the collector's role has <c>pg_read_all_stats</c>.</remarks>
internal sealed class PgConnectionsProbe(CollectorMetrics metrics, IOptions<CollectorOptions> options) : ICollectorProbe
{
    public string Name => "db_connections";

    public TimeSpan Interval => options.Value.ConnectionsInterval;

    public async Task<string?> PollAsync(ProbeContext context, CancellationToken cancellationToken)
    {
        var connection = await context.ConnectionAsync(cancellationToken);
        var rows = new List<(string, string, long)>();
        await using (var cmd = new NpgsqlCommand(
            """
            SELECT COALESCE(state, 'unknown'), CASE WHEN application_name LIKE 'odoo-%' THEN 'odoo' ELSE 'other' END, count(*)
            FROM pg_stat_activity
            WHERE datname = current_database() AND backend_type = 'client backend'
            GROUP BY 1, 2
            """, connection))
        {
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
            }
        }

        await using var max = new NpgsqlCommand("SELECT current_setting('max_connections')::bigint", connection);
        metrics.SetConnections(rows, (long)(await max.ExecuteScalarAsync(cancellationToken))!);
        return null;
    }

    public void Clear() => metrics.SetConnections([], null);
}
