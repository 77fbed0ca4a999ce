using System.Globalization;
using Npgsql;

namespace OdooLatencyProxy.Collector;

/// <summary>What the collector found in Odoo's database: version, installed modules and the readable columns of the tables it uses.</summary>
internal sealed record OdooSchema(
    int? MajorVersion,
    IReadOnlySet<string> Modules,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Columns,
    string? StatStatementsSchema)
{
    /// <summary>Tables any probe reads; only these are looked up.</summary>
    public static readonly string[] Tables =
    [
        "ir_module_module", "ir_model_data", "ir_model_fields", "queue_job", "ir_cron", "sale_order",
        "mail_message", "mail_tracking_value", "payment_transaction", "payment_provider", "ir_act_server",
    ];

    /// <summary>True when <paramref name="table"/> exists and the role can read every column named.</summary>
    public bool Has(string table, params string[] columns) =>
        Columns.TryGetValue(table, out var cols) && columns.All(cols.ContainsKey);

    /// <summary>The column's data type, or null.</summary>
    public string? TypeOf(string table, string column) =>
        Columns.TryGetValue(table, out var cols) && cols.TryGetValue(column, out var type) ? type : null;

    /// <summary>Reads the schema through <paramref name="connection"/>.</summary>
    public static async Task<OdooSchema> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // Only columns the role may read count: a column not granted looks absent, and its probe is
        // skipped rather than failing. The table list is a constant, inlined rather than an array parameter.
        var tables = string.Join(", ", Tables.Select(t => $"'{t}'"));
        var columns = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand(
            $"""
            SELECT c.relname::text, a.attname::text, t.typname::text
            FROM pg_class c
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            JOIN pg_type t ON t.oid = a.atttypid
            WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v')
              AND c.relname IN ({tables})
              AND has_column_privilege(c.oid, a.attnum, 'SELECT')
            """, connection))
        {
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var table = reader.GetString(0);
                if (!columns.TryGetValue(table, out var cols))
                {
                    columns[table] = cols = new Dictionary<string, string>(StringComparer.Ordinal);
                }

                cols[reader.GetString(1)] = reader.GetString(2);
            }
        }

        var modules = new HashSet<string>(StringComparer.Ordinal);
        int? major = null;
        if (columns.TryGetValue("ir_module_module", out var moduleColumns) && moduleColumns.ContainsKey("latest_version"))
        {
            await using var cmd = new NpgsqlCommand(
                "SELECT name, latest_version FROM ir_module_module WHERE state IN ('installed', 'to upgrade')", connection);
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var name = reader.GetString(0);
                modules.Add(name);
                if (name == "base" && !reader.IsDBNull(1))
                {
                    major = ParseMajor(reader.GetString(1));
                }
            }
        }

        // Without ir_module_module (not granted), the columns still tell 18+ from 16/17.
        if (major is null && columns.TryGetValue("ir_cron", out var cron))
        {
            major = cron.ContainsKey("failure_count") ? 18 : cron.ContainsKey("numbercall") ? 17 : null;
        }

        string? statSchema;
        await using (var cmd = new NpgsqlCommand(
            "SELECT n.nspname::text FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'",
            connection))
        {
            statSchema = await cmd.ExecuteScalarAsync(cancellationToken) as string;
        }

        return new OdooSchema(
            major,
            modules,
            columns.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, string>)kv.Value, StringComparer.Ordinal),
            statSchema);
    }

    /// <summary>"17.0.1.3" gives 17; "saas~17.2.1.0" gives 17.</summary>
    public static int? ParseMajor(string version)
    {
        var text = version.StartsWith("saas~", StringComparison.Ordinal) ? version[5..] : version;
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        return int.TryParse(dot < 0 ? text : text[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major : null;
    }
}
