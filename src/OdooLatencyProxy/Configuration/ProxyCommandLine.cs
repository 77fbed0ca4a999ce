using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace OdooLatencyProxy.Configuration;

/// <summary>The quick-start command line: every flag is a configuration key, layered over files and environment, so one options model reads them all.</summary>
public static class ProxyCommandLine
{
    private static readonly Option<string[]> Upstream = new("--upstream") { Description = "Odoo HTTP worker URL, repeatable; URL;workers=N sets that host's worker count", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string[]> GeventUpstream = new("--gevent-upstream") { Description = "Odoo gevent (websocket) URL, repeatable", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<int?> Workers = new("--workers") { Description = "Odoo workers per HTTP destination: the admission limit (0 = not limited)", CustomParser = WholeNumber };
    private static readonly Option<string> Listen = new("--listen") { Description = "public listener URL (default http://0.0.0.0:8080)" };
    private static readonly Option<string> AdminListen = new("--admin-listen") { Description = "admin listener URL (default http://127.0.0.1:9090)" };
    private static readonly Option<int?> QueueLength = new("--max-queue") { Description = "longest admission queue before 503 (0 = unbounded)", CustomParser = WholeNumber };
    private static readonly Option<TimeSpan?> QueueWait = new("--max-queue-wait") { Description = "longest wait for a worker before 503, e.g. 30s", CustomParser = Duration };
    private static readonly Option<TimeSpan?> Timeout = new("--timeout") { Description = "upstream inactivity timeout, e.g. 720s", CustomParser = Duration };
    private static readonly Option<string[]> TrustedProxy = new("--trusted-proxy") { Description = "IP or CIDR of a TLS front whose X-Forwarded-Proto/Host are kept, repeatable", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string[]> AllowDatabaseManager = new("--allow-database-manager") { Description = "IP or CIDR allowed to reach Odoo's database manager (/web/database/*, closed to everyone else), repeatable", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string[]> BlockedPath = new("--blocked-path") { Description = "path prefix answered 403 to every client, e.g. /xmlrpc/2/db, repeatable", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string> OdooDb = new("--odoo-db") { Description = "connection string of Odoo's PostgreSQL database for the collector (read-only role); keep the password out of it (see --odoo-db-password-file)" };
    private static readonly Option<string> OdooDbPasswordFile = new("--odoo-db-password-file") { Description = "file holding the collector's database password (a Kubernetes secret); PGPASSWORD works too" };
    private static readonly Option<string> OdooLog = new("--odoo-log") { Description = "Odoo's log file, followed for cron failures (16/17 log them only there) and access lines (SQL and Python time per request)" };
    private static readonly Option<string> Config = new("--config") { Description = "an extra JSON settings file, read after appsettings.json" };

    // The one table of flag <-> configuration key: flags are written into configuration, and errors name both.
    private static readonly (Option Option, string Key)[] Settings =
    [
        (Upstream, "Proxy:Upstreams"),
        (GeventUpstream, "Proxy:GeventUpstreams"),
        (Workers, "Proxy:Workers"),
        (Listen, "Proxy:Listen"),
        (AdminListen, "Proxy:AdminListen"),
        (QueueLength, "Proxy:MaxQueueLength"),
        (QueueWait, "Proxy:MaxQueueWait"),
        (Timeout, "Proxy:Timeout"),
        (TrustedProxy, "Proxy:TrustedProxies"),
        (AllowDatabaseManager, "Proxy:AllowDatabaseManager"),
        (BlockedPath, "Proxy:BlockedPaths"),
        (OdooDb, "Collector:ConnectionString"),
        (OdooDbPasswordFile, "Collector:PasswordFile"),
        (OdooLog, "Collector:LogPath"),
    ];

    /// <summary>The root command, for parsing and <c>--help</c>.</summary>
    public static RootCommand Create()
    {
        var root = new RootCommand("OdooLatencyProxy: a reverse proxy in front of Odoo that measures every business operation.");
        foreach (var (option, _) in Settings) root.Options.Add(option);
        root.Options.Add(Config);
        return root;
    }

    /// <summary>The extra settings file given with <c>--config</c>, if any.</summary>
    public static string? ConfigFile(ParseResult result) => result.GetValue(Config);

    /// <summary>The flag that sets a configuration key (<c>Proxy:Upstreams:1</c> -> <c>--upstream</c>), or null.</summary>
    public static string? FlagFor(string setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        foreach (var (option, key) in Settings)
        {
            if (setting.Equals(key, StringComparison.OrdinalIgnoreCase)
                || (setting.StartsWith(key, StringComparison.OrdinalIgnoreCase) && setting.Length > key.Length && setting[key.Length] == ':'))
            {
                return option.Name;
            }
        }
        return null;
    }

    /// <summary>Values the flags' own parsers refused (<c>--workers many</c>), as configuration errors.</summary>
    public static IReadOnlyList<ConfigurationError> SettingErrors(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var errors = new List<ConfigurationError>();
        foreach (var error in result.Errors)
        {
            var option = error.SymbolResult switch
            {
                OptionResult o => o.Option,
                ArgumentResult { Parent: OptionResult o } => o.Option,
                _ => null,
            };
            if (Settings.FirstOrDefault(s => s.Option == option) is { Option: not null } setting)
            {
                errors.Add(new ConfigurationError(setting.Key, error.Message));
            }
        }
        return errors;
    }

    /// <summary>Adds the flags given on the command line as the last (winning) configuration layer; a list flag replaces the whole list.</summary>
    public static IConfigurationBuilder AddCommandLineFlags(this IConfigurationBuilder builder, ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(result);
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var lists = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (option, key) in Settings)
        {
            if (result.GetResult(option) is not { Implicit: false }) continue;
            switch (result.GetValue<object?>(option.Name))
            {
                case string[] items:
                    lists.Add(key);
                    for (var i = 0; i < items.Length; i++) values[$"{key}:{i.ToString(CultureInfo.InvariantCulture)}"] = items[i];
                    break;
                case TimeSpan span:
                    values[key] = span.ToString("c", CultureInfo.InvariantCulture);
                    break;
                case IFormattable formattable:
                    values[key] = formattable.ToString(null, CultureInfo.InvariantCulture);
                    break;
                case bool flag:
                    values[key] = flag ? "true" : "false";
                    break;
                case string text:
                    values[key] = text;
                    break;
            }
        }
        return builder.Add(new FlagsConfigurationSource(values, lists));
    }

    /// <summary>True when <c>--odoo-db</c> carries a password, which any user can read in <c>ps</c>.</summary>
    public static bool PasswordOnCommandLine(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.GetValue(OdooDb) is { Length: > 0 } connectionString && HasPassword(connectionString);
    }

    // Its own method, never inlined: without --odoo-db, Npgsql is not loaded at all.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static bool HasPassword(string connectionString)
    {
        try
        {
            return !string.IsNullOrEmpty(new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Password);
        }
        catch (ArgumentException)
        {
            return false; // The validator reports the bad connection string.
        }
    }

    private static int? WholeNumber(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)) return n;
        result.AddError($"'{text}' is not a whole number");
        return null;
    }

    private static TimeSpan? Duration(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (Durations.TryParse(text) is { } span) return span;
        result.AddError($"'{text}' is not a duration (e.g. 30s, 5m, 250ms, 00:12:00)");
        return null;
    }
}
