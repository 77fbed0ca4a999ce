using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;

namespace OdooLatencyProxy.Collector;

/// <summary>
/// Payment transactions by provider: final states counted once as integration outcomes, open ones as gauges.
/// </summary>
/// <remarks>
/// A transaction reaching done, error or cancel changes <c>last_state_change</c>; each (transaction, state)
/// is counted once through a <see cref="SeenSet"/>. The integration is named <c>payment.&lt;provider code&gt;</c>.
/// </remarks>
internal sealed class PaymentProbe(CollectorMetrics metrics, CollectorStateStore store, IOptions<CollectorOptions> options) : ICollectorProbe
{
    private const string StateKey = "payment.final";
    private readonly CollectorOptions _options = options.Value;
    private readonly SeenSet _final = new();

    public string Name => "payment";

    public TimeSpan Interval => _options.PaymentInterval;

    public async Task<string?> PollAsync(ProbeContext context, CancellationToken cancellationToken)
    {
        var schema = await context.SchemaAsync(cancellationToken);
        if (!schema.Has("payment_transaction", "id", "state", "provider_id", "last_state_change") || !schema.Has("payment_provider", "id", "code"))
        {
            return "tables payment_transaction/payment_provider (payment) not installed or not readable";
        }

        var connection = await context.ConnectionAsync(cancellationToken);
        var now = await context.DbNowAsync(cancellationToken);
        _final.RestoreOnce(() => store.Get(StateKey, CollectorJson.Default.SeenSetState), now - _options.MaxCatchUp);

        var open = new List<(string, string, long)>();
        await using (var cmd = new NpgsqlCommand(
            """
            SELECT COALESCE(p.code, 'unknown'), t.state, count(*)
            FROM payment_transaction t LEFT JOIN payment_provider p ON p.id = t.provider_id
            WHERE t.state IN ('draft', 'pending', 'authorized')
            GROUP BY 1, 2
            """, connection))
        {
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                open.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
            }
        }

        metrics.SetOpenPayments(open);

        var baseline = _final.IsBaseline;
        await using (var cmd = new NpgsqlCommand(
            """
            SELECT t.id, t.state, COALESCE(p.code, 'unknown'), t.last_state_change
            FROM payment_transaction t LEFT JOIN payment_provider p ON p.id = t.provider_id
            WHERE t.state IN ('done', 'error', 'cancel') AND t.last_state_change >= @from
            """, connection))
        {
            cmd.Parameters.AddWithValue("from", baseline ? now - _options.CommitMargin : _final.From(_options.CommitMargin));
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var state = reader.GetString(1);
                var key = string.Create(CultureInfo.InvariantCulture, $"{reader.GetInt32(0)}:{state}");
                if (_final.Add(key, reader.GetDateTime(3)) && !baseline)
                {
                    metrics.IntegrationOperation("payment." + reader.GetString(2), Outcome(state));
                }
            }
        }

        _final.Advance(now, _options.CommitMargin);
        store.Set(StateKey, _final.Save(), CollectorJson.Default.SeenSetState);
        return null;
    }

    public void Clear() => metrics.SetOpenPayments([]);

    private static string Outcome(string state) => state switch
    {
        "done" => "ok",
        "cancel" => "cancelled",
        _ => "failed",
    };
}
