using Microsoft.Extensions.Options;
using Npgsql;

namespace OdooLatencyProxy.Collector;

/// <summary>
/// pg_stat_statements deltas per interval: the top N statements by total time (with calls and mean time)
/// and the count of calls of statements whose mean time in the interval reached the slow threshold.
/// </summary>
/// <remarks>
/// pg_stat_statements keeps cumulative sums, not single calls: a "slow call" is a call of a statement whose
/// mean over the interval was at least the threshold, so one slow call among many fast ones of the same
/// statement is not seen. The collector's own statements (its role) are left out.
/// </remarks>
internal sealed class PgStatementsProbe(CollectorMetrics metrics, CollectorStatus status, TimeProvider timeProvider, IOptions<CollectorOptions> options) : ICollectorProbe
{
    private readonly CollectorOptions _options = options.Value;
    private Dictionary<long, (long Calls, double TotalMs)>? _previous;
    private DateTimeOffset _previousAt;

    public string Name => "db_statements";

    public TimeSpan Interval => _options.StatementsInterval;

    public async Task<string?> PollAsync(ProbeContext context, CancellationToken cancellationToken)
    {
        var schema = await context.SchemaAsync(cancellationToken);
        if (schema.StatStatementsSchema is not { } ns)
        {
            _previous = null;
            return "extension pg_stat_statements not created in Odoo's database";
        }

        var connection = await context.ConnectionAsync(cancellationToken);
        var view = $"{Quote(ns)}.pg_stat_statements";
        var current = new Dictionary<long, (long Calls, double TotalMs)>();
        // Texts only for the winners: reading every text each interval costs the server a file read.
        await using (var cmd = new NpgsqlCommand(
            $"""
            SELECT queryid, sum(calls)::bigint, sum(total_exec_time)::float8
            FROM {view}(false)
            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND userid <> (SELECT oid FROM pg_roles WHERE rolname = current_user)
              AND queryid IS NOT NULL
            GROUP BY queryid
            """, connection))
        {
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                current[reader.GetInt64(0)] = (reader.GetInt64(1), reader.GetDouble(2));
            }
        }

        var now = timeProvider.GetUtcNow();
        var previous = _previous;
        var previousAt = _previousAt;
        _previous = current;
        _previousAt = now;
        if (previous is null)
        {
            // First reading: a baseline; "per interval" needs two.
            return null;
        }

        var deltas = new List<(long QueryId, long Calls, double TotalMs)>();
        foreach (var (id, (calls, total)) in current)
        {
            // A statement evicted and re-added, or a reset, starts again from zero.
            var (prevCalls, prevTotal) = previous.TryGetValue(id, out var p) && p.Calls <= calls ? p : (0, 0);
            if (calls - prevCalls > 0)
            {
                deltas.Add((id, calls - prevCalls, Math.Max(0, total - prevTotal)));
            }
        }

        var thresholdMs = _options.SlowStatementThreshold.TotalMilliseconds;
        metrics.SlowStatements(deltas.Where(d => d.TotalMs / d.Calls >= thresholdMs).Sum(d => d.Calls));

        var top = deltas.OrderByDescending(d => d.TotalMs).ThenBy(d => d.QueryId).Take(_options.TopStatements).ToList();
        var texts = new Dictionary<long, string>();
        if (top.Count > 0)
        {
            await using var cmd = new NpgsqlCommand(
                $"""
                SELECT DISTINCT ON (queryid) queryid, query FROM {view}(true)
                WHERE queryid = ANY(@ids) AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                """, connection);
            cmd.Parameters.AddWithValue("ids", top.Select(t => t.QueryId).ToArray());
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                texts[reader.GetInt64(0)] = SqlText.Normalize(reader.IsDBNull(1) ? null : reader.GetString(1), _options.MaxQueryTextLength);
            }
        }

        var samples = top.Select((t, i) => new StatementSample(
            i + 1,
            t.QueryId,
            texts.GetValueOrDefault(t.QueryId, ""),
            t.Calls,
            t.TotalMs / 1000,
            t.TotalMs / t.Calls / 1000)).ToList();
        metrics.SetTopStatements(samples);
        status.Statements = new StatementsSnapshot(now, (now - previousAt).TotalSeconds, samples);
        return null;
    }

    public void Clear()
    {
        // A delta across an outage is not "the last interval": start from a new baseline.
        _previous = null;
        metrics.SetTopStatements([]);
        status.Statements = null;
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
