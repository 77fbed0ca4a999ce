namespace OdooLatencyProxy.RealOdoo.Tests.Support;

/// <summary>
/// The real Odoo the tests run against, from the <c>ODOO_*</c> variables (<c>odoo-dev env</c> prints them; a real
/// user points them at an <c>odoo:17</c> container or a staging server). scripts/test starts one when they are unset.
/// </summary>
public sealed class RealOdooServer
{
    private RealOdooServer(Func<string, string?> env)
    {
        Url = Uri(env("ODOO_URL"));
        GeventUrl = Uri(env("ODOO_GEVENT_URL")) ?? Url;
        Database = env("ODOO_DB") ?? "odoo";
        Login = env("ODOO_LOGIN") ?? "admin";
        Password = env("ODOO_PASSWORD") ?? "admin";
        Workers = int.TryParse(env("ODOO_WORKERS"), out var workers) ? workers : 2;
        LogPath = env("ODOO_LOG");
        PgConnectionString = env("ODOO_PG");
    }

    /// <summary>The server from this process's environment.</summary>
    public static RealOdooServer Current { get; } = new(Environment.GetEnvironmentVariable);

    /// <summary>Odoo's HTTP (prefork workers) address; null when no Odoo is given.</summary>
    public Uri? Url { get; }

    /// <summary>Odoo's gevent (websocket) address.</summary>
    public Uri? GeventUrl { get; }

    public string Database { get; }

    public string Login { get; }

    public string Password { get; }

    /// <summary>Odoo's <c>--workers</c>.</summary>
    public int Workers { get; }

    /// <summary>Odoo's own log file (<c>log_level = info</c>), when the test can read it.</summary>
    public string? LogPath { get; }

    /// <summary>A Npgsql connection string for a superuser of Odoo's database.</summary>
    public string? PgConnectionString { get; }

    /// <summary>The server, or a skipped test that says why there is none.</summary>
    public static RealOdooServer Require(bool log = false, bool database = false)
    {
        var odoo = Current;
        if (odoo.Url is null)
        {
            Assert.Skip("No real Odoo: ODOO_URL is not set (scripts/test starts one with odoo-dev; or export the ODOO_* variables of a test server).");
        }
        if (log && (odoo.LogPath is null || !File.Exists(odoo.LogPath)))
        {
            Assert.Skip($"Odoo's log is not readable here: ODOO_LOG is '{odoo.LogPath}'.");
        }
        if (database && odoo.PgConnectionString is null)
        {
            Assert.Skip("No access to Odoo's database: ODOO_PG is not set.");
        }
        return odoo;
    }

    private static Uri? Uri(string? text) => string.IsNullOrWhiteSpace(text) ? null : new Uri(text.TrimEnd('/') + "/");
}
