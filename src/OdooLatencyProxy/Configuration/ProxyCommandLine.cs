using System.CommandLine;
using System.Globalization;

namespace OdooLatencyProxy.Configuration;

/// <summary>The quick-start command line; every option maps onto a configuration key, so files, environment and flags are one model.</summary>
public static class ProxyCommandLine
{
    private static readonly Option<string[]> Upstream = new("--upstream") { Description = "Odoo HTTP worker URL, repeatable; URL;workers=N sets that host's worker count", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string[]> GeventUpstream = new("--gevent-upstream") { Description = "Odoo gevent (websocket) URL, repeatable", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string> Workers = new("--workers") { Description = "Odoo workers per HTTP destination: the admission limit (0 = not limited)" };
    private static readonly Option<string> Listen = new("--listen") { Description = "public listener URL (default http://0.0.0.0:8080)" };
    private static readonly Option<string> AdminListen = new("--admin-listen") { Description = "admin listener URL (default http://127.0.0.1:9090)" };
    private static readonly Option<string> QueueLength = new("--max-queue") { Description = "longest admission queue before 503 (0 = unbounded)" };
    private static readonly Option<string> QueueWait = new("--max-queue-wait") { Description = "longest wait for a worker before 503, e.g. 30s" };
    private static readonly Option<string> Timeout = new("--timeout") { Description = "upstream inactivity timeout, e.g. 720s" };
    private static readonly Option<string[]> TrustedProxy = new("--trusted-proxy") { Description = "IP or CIDR of a TLS front whose X-Forwarded-Proto/Host are kept, repeatable", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string> OdooDb = new("--odoo-db") { Description = "connection string of Odoo's PostgreSQL database for the collector (read-only role)" };
    private static readonly Option<string> OdooLog = new("--odoo-log") { Description = "Odoo's log file, followed for cron failures (16/17 log them only there)" };
    private static readonly Option<string> Config = new("--config") { Description = "an extra JSON settings file, read after appsettings.json" };

    /// <summary>The root command, for parsing and <c>--help</c>.</summary>
    public static RootCommand Create()
    {
        var root = new RootCommand("OdooLatencyProxy: a reverse proxy in front of Odoo that measures every business operation.");
        foreach (var option in new Option[] { Upstream, GeventUpstream, Workers, Listen, AdminListen, QueueLength, QueueWait, Timeout, TrustedProxy, OdooDb, OdooLog, Config })
        {
            root.Options.Add(option);
        }
        return root;
    }

    /// <summary>The extra settings file given with <c>--config</c>, if any.</summary>
    public static string? ConfigFile(ParseResult result) => result.GetValue(Config);

    /// <summary>Settings of other sections given as flags (the collector's), layered over files and environment.</summary>
    public static Dictionary<string, string?> SectionSettings(ParseResult result)
    {
        var settings = new Dictionary<string, string?>();
        if (result.GetValue(OdooDb) is { } db) settings["Collector:ConnectionString"] = db;
        if (result.GetValue(OdooLog) is { } log) settings["Collector:LogPath"] = log;
        return settings;
    }

    /// <summary>Applies the flags over the options bound from files and environment (flags win; a list flag replaces the whole list).</summary>
    public static ProxyOptions Apply(ParseResult result, ProxyOptions options)
    {
        if (result.GetValue(Upstream) is { Length: > 0 } upstreams) options = options with { Upstreams = upstreams };
        if (result.GetValue(GeventUpstream) is { Length: > 0 } gevent) options = options with { GeventUpstreams = gevent };
        if (result.GetValue(Workers) is { } workers) options = options with { Workers = Integer("--workers", workers) };
        if (result.GetValue(Listen) is { } listen) options = options with { Listen = listen };
        if (result.GetValue(AdminListen) is { } admin) options = options with { AdminListen = admin };
        if (result.GetValue(QueueLength) is { } queue) options = options with { MaxQueueLength = Integer("--max-queue", queue) };
        if (result.GetValue(QueueWait) is { } wait) options = options with { MaxQueueWait = Duration("--max-queue-wait", wait) };
        if (result.GetValue(Timeout) is { } timeout) options = options with { Timeout = Duration("--timeout", timeout) };
        if (result.GetValue(TrustedProxy) is { Length: > 0 } trusted) options = options with { TrustedProxies = trusted };
        return options;
    }

    private static int Integer(string flag, string value) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new ConfigurationException(flag, $"'{value}' is not a whole number");

    private static TimeSpan Duration(string flag, string value) =>
        Durations.TryParse(value) ?? throw new ConfigurationException(flag, $"'{value}' is not a duration (e.g. 30s, 5m, 250ms)");
}
