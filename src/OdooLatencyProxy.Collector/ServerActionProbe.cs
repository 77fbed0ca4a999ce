using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using OdooLatencyProxy.Odoo.Classification;

namespace OdooLatencyProxy.Collector;

/// <summary>
/// Reads what each server action is (module XML id, else English name), so the request path names
/// <c>/web/action/run</c> by the action instead of its number (<c>rpc:action.339</c>).
/// </summary>
/// <remarks>Only ids and names are read; never the action's code. Without this probe (no database, or no GRANT) actions keep their numbers.</remarks>
internal sealed class ServerActionProbe(RequestClassifier classifier, IOptions<CollectorOptions> options) : ICollectorProbe
{
    public string Name => "server_actions";

    public TimeSpan Interval => options.Value.ServerActionInterval;

    public async Task<string?> PollAsync(ProbeContext context, CancellationToken cancellationToken)
    {
        var schema = await context.SchemaAsync(cancellationToken);
        if (!schema.Has("ir_act_server", "id", "name"))
        {
            return "table ir_act_server not readable";
        }

        // A module's XML id is stable across databases; exported or hand-made ones (__export__, __custom__) are not.
        var sql = schema.Has("ir_model_data", "module", "name", "model", "res_id")
            ? """
              SELECT a.id, d.module || '.' || d.name, a.name::text
              FROM ir_act_server a
              LEFT JOIN LATERAL (
                  SELECT module, name FROM ir_model_data
                  WHERE model = 'ir.actions.server' AND res_id = a.id AND module NOT LIKE '\_\_%'
                  ORDER BY module, name LIMIT 1) d ON true
              """
            : "SELECT a.id, NULL, a.name::text FROM ir_act_server a";
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand(sql, await context.ConnectionAsync(cancellationToken)))
        {
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var xmlId = reader.IsDBNull(1) ? null : reader.GetString(1);
                var name = reader.IsDBNull(2) ? null : EnglishName(reader.GetString(2));
                if (RequestClassifier.ServerActionLabel(xmlId, name) is { } label)
                {
                    labels[reader.GetInt32(0).ToString(CultureInfo.InvariantCulture)] = label;
                }
            }
        }

        classifier.UseServerActionLabels(labels);
        return null;
    }

    // Labels stay as they are after a failed poll: a name seen once is still right, and numbers would split the series.
    public void Clear()
    {
    }

    // 16+ keep translated names as jsonb ({"en_US": "...", "fr_FR": "..."}); 15 as plain text.
    private static string? EnglishName(string text)
    {
        if (!text.StartsWith('{'))
        {
            return text;
        }

        using var json = JsonDocument.Parse(text);
        if (json.RootElement.TryGetProperty("en_US", out var english) && english.ValueKind == JsonValueKind.String)
        {
            return english.GetString();
        }

        return json.RootElement.EnumerateObject().Select(p => p.Value.GetString()).FirstOrDefault();
    }
}
