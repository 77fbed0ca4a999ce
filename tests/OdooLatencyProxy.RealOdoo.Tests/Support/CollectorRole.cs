using System.Text.RegularExpressions;
using Npgsql;
using OdooLatencyProxy.Tests.Deploy;

namespace OdooLatencyProxy.RealOdoo.Tests.Support;

/// <summary>The collector's read-only role, created as docs/collector.md tells operators to.</summary>
public static class CollectorRole
{
    // Runs the SQL block of docs/collector.md's "The read-only role" for a role of this test's own, skipping, as the
    // docs say, the grants on tables or columns this Odoo does not have (failure_count is 18/19's).
    public static async Task<string> CreateAsync(RealOdooServer odoo, string role)
    {
        var password = Guid.NewGuid().ToString("N");
        var docs = Repo.Read("docs/collector.md");
        var section = docs[docs.IndexOf("## The read-only role", StringComparison.Ordinal)..];
        var block = section[(section.IndexOf("```sql", StringComparison.Ordinal) + "```sql".Length)..];
        block = block[..block.IndexOf("```", StringComparison.Ordinal)];
        var builder = new NpgsqlConnectionStringBuilder(odoo.PgConnectionString);
        var sql = Regex.Replace(block, "--[^\n]*", "")
            .Replace("odoo_collector", role, StringComparison.Ordinal)
            .Replace("PASSWORD '...'", $"PASSWORD '{password}'", StringComparison.Ordinal)
            .Replace("ON DATABASE prod", $"ON DATABASE \"{builder.Database}\"", StringComparison.Ordinal);
        await using var su = new NpgsqlConnection(odoo.PgConnectionString);
        await su.OpenAsync();
        foreach (var statement in sql.Split(';').Select(t => t.Trim()).Where(t => t.Length > 0))
        {
            try
            {
                await using var cmd = new NpgsqlCommand(statement, su);
                await cmd.ExecuteNonQueryAsync();
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateObject && statement.StartsWith("CREATE ROLE", StringComparison.Ordinal))
            {
                // Left by an earlier run on this server.
                await using var alter = new NpgsqlCommand($"ALTER ROLE {role} PASSWORD '{password}'", su);
                await alter.ExecuteNonQueryAsync();
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedColumn or PostgresErrorCodes.UndefinedTable)
            {
            }
        }
        builder.Username = role;
        builder.Password = password;
        return builder.ConnectionString;
    }
}
