using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;

namespace OdooLatencyProxy.Collector;

/// <summary>
/// Confirmation latency of sale orders confirmed since the previous poll.
/// </summary>
/// <remarks>
/// On confirm Odoo overwrites <c>date_order</c> with the confirmation time cut to whole seconds, so
/// <c>date_order - create_date</c> can be up to a second short. Where the state change is tracked
/// (mail_tracking_value, joined through <c>field_id</c> in 17+ and <c>field</c> in 16) its <c>create_date</c>
/// keeps microseconds and is used instead. Tracking labels are translated, so the row is matched by field and
/// time, not by the "Sales Order" label.
/// </remarks>
internal sealed class SaleOrderProbe(CollectorMetrics metrics, CollectorStateStore store, IOptions<CollectorOptions> options) : ICollectorProbe
{
    private const string StateKey = "sale_order.confirmed";
    private readonly CollectorOptions _options = options.Value;
    private readonly SeenSet _confirmed = new();

    public string Name => "sale_order";

    public TimeSpan Interval => _options.SaleOrderInterval;

    public async Task<string?> PollAsync(ProbeContext context, CancellationToken cancellationToken)
    {
        var schema = await context.SchemaAsync(cancellationToken);
        if (!schema.Has("sale_order", "id", "state", "create_date", "date_order"))
        {
            return "table sale_order (sale) not installed or not readable";
        }

        var connection = await context.ConnectionAsync(cancellationToken);
        var now = await context.DbNowAsync(cancellationToken);
        _confirmed.RestoreOnce(() => store.Get(StateKey, CollectorJson.Default.SeenSetState), now - _options.MaxCatchUp);

        var fieldColumn = schema.Has("mail_tracking_value", "field_id") ? "field_id" : schema.Has("mail_tracking_value", "field") ? "field" : null;
        var tracked = fieldColumn is not null
            && schema.Has("mail_tracking_value", "mail_message_id", "create_date")
            && schema.Has("mail_message", "id", "model", "res_id")
            && schema.Has("ir_model_fields", "id", "model", "name");
        var trackedSql = tracked
            ? $"""
              (SELECT max(t.create_date) FROM mail_tracking_value t JOIN mail_message m ON m.id = t.mail_message_id
               WHERE m.model = 'sale.order' AND m.res_id = so.id
                 AND t.{fieldColumn} = (SELECT f.id FROM ir_model_fields f WHERE f.model = 'sale.order' AND f.name = 'state' LIMIT 1)
                 AND t.create_date BETWEEN so.date_order - interval '1 minute' AND so.date_order + interval '1 minute')
              """
            : "NULL::timestamp";
        // 16/17 lock confirmed orders into state 'done'; 18 keeps 'sale' and a locked flag.
        var sql = $"""
            SELECT so.id, so.date_order, EXTRACT(EPOCH FROM COALESCE({trackedSql}, so.date_order) - so.create_date)::float8
            FROM sale_order so
            WHERE so.state IN ('sale', 'done') AND so.date_order >= @from
            """;

        var baseline = _confirmed.IsBaseline;
        await using (var cmd = new NpgsqlCommand(sql, connection))
        {
            cmd.Parameters.AddWithValue("from", baseline ? now - _options.CommitMargin : _confirmed.From(_options.CommitMargin));
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                // A cancelled and re-confirmed order gets a new date_order: a new confirmation.
                var dateOrder = reader.GetDateTime(1);
                var key = string.Create(CultureInfo.InvariantCulture, $"{reader.GetInt32(0)}@{dateOrder:O}");
                if (_confirmed.Add(key, dateOrder) && !baseline && !reader.IsDBNull(2))
                {
                    metrics.OrderConfirmed(reader.GetDouble(2));
                }
            }
        }

        _confirmed.Advance(now, _options.CommitMargin);
        store.Set(StateKey, _confirmed.Save(), CollectorJson.Default.SeenSetState);
        return null;
    }

    public void Clear()
    {
    }
}
