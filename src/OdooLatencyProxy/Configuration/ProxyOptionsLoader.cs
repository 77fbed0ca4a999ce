using System.Text.RegularExpressions;
using System.Net;

namespace OdooLatencyProxy.Configuration;

/// <summary>Binds <see cref="ProxyOptions"/> and checks every setting, naming the one at fault.</summary>
public static class ProxyOptionsLoader
{
    /// <summary>Binds and validates; throws <see cref="ConfigurationException"/> on the first invalid setting.</summary>
    public static ProxyOptions Load(IConfiguration configuration)
    {
        ProxyOptions options;
        try
        {
            var section = configuration.GetSection(ProxyOptions.Section);
            options = section.Get<ProxyOptions>(o => o.ErrorOnUnknownConfiguration = true) ?? new ProxyOptions();
            // The binder appends configured items to a list's default; a configured list replaces it instead.
            options = options with
            {
                Upstreams = ListOr(section, nameof(options.Upstreams), options.Upstreams),
                GeventUpstreams = ListOr(section, nameof(options.GeventUpstreams), options.GeventUpstreams),
                TrustedProxies = ListOr(section, nameof(options.TrustedProxies), options.TrustedProxies),
            };
        }
        catch (InvalidOperationException e)
        {
            var setting = SettingIn(e.Message);
            throw new ConfigurationException(setting, e.Message.Contains("ErrorOnUnknownConfiguration", StringComparison.Ordinal)
                ? "unknown setting (see docs/configuration.md for the valid ones)"
                : e.Message);
        }
        Validate(options);
        return options;
    }

    // The binder names the key ("value 'x' at 'Proxy:Workers' to type ...") or the unknown property ("...: 'Wrokers'").
    private static string SettingIn(string message)
    {
        var at = Regex.Match(message, " at '([^']+)'");
        if (at.Success) return at.Groups[1].Value;
        var unknown = Regex.Match(message, "not found on the instance of [^:]+: '([^']+)'");
        return unknown.Success ? $"{ProxyOptions.Section}:{unknown.Groups[1].Value}" : ProxyOptions.Section;
    }

    private static IReadOnlyList<string> ListOr(IConfigurationSection section, string key, IReadOnlyList<string> bound) =>
        section.GetSection(key) is { } list && list.Exists() ? list.Get<string[]>() ?? [] : bound;

    /// <summary>Throws <see cref="ConfigurationException"/> for the first setting out of range.</summary>
    public static void Validate(ProxyOptions o)
    {
        ListenUrl(o.Listen, Key(nameof(o.Listen)));
        ListenUrl(o.AdminListen, Key(nameof(o.AdminListen)));
        if (o.Workers < 0) Fail(nameof(o.Workers), $"must be 0 (not limited) or more, got {o.Workers}");
        if (o.MaxQueueLength < 0) Fail(nameof(o.MaxQueueLength), $"must be 0 (unbounded) or more, got {o.MaxQueueLength}");
        if (o.MaxQueueWait is { } wait && wait <= TimeSpan.Zero) Fail(nameof(o.MaxQueueWait), $"must be positive, got {wait}");
        if (o.RetryAfterSeconds < 0) Fail(nameof(o.RetryAfterSeconds), $"must be 0 or more, got {o.RetryAfterSeconds}");
        if (o.Timeout <= TimeSpan.Zero) Fail(nameof(o.Timeout), $"must be positive, got {o.Timeout}");
        if (o.WebSocketIdleTimeout is { } idle && idle <= TimeSpan.Zero) Fail(nameof(o.WebSocketIdleTimeout), $"must be positive, got {idle}");
        if (o.MaxRequestBodyBytes <= 0) Fail(nameof(o.MaxRequestBodyBytes), $"must be positive, got {o.MaxRequestBodyBytes}");
        if (o.BufferMemoryBytes < 0) Fail(nameof(o.BufferMemoryBytes), $"must be 0 or more, got {o.BufferMemoryBytes}");
        if (o.MaxResponseBufferBytes < 0) Fail(nameof(o.MaxResponseBufferBytes), $"must be 0 or more, got {o.MaxResponseBufferBytes}");
        if (o.TempDirectory is { Length: > 0 } temp && !Directory.Exists(temp)) Fail(nameof(o.TempDirectory), $"folder '{temp}' does not exist");
        if (o.HealthCheckInterval <= TimeSpan.Zero) Fail(nameof(o.HealthCheckInterval), $"must be positive, got {o.HealthCheckInterval}");
        if (o.HealthCheckTimeout <= TimeSpan.Zero) Fail(nameof(o.HealthCheckTimeout), $"must be positive, got {o.HealthCheckTimeout}");
        if (o.HealthCheckFailureThreshold < 1) Fail(nameof(o.HealthCheckFailureThreshold), $"must be 1 or more, got {o.HealthCheckFailureThreshold}");
        if (o.DrainTimeout < TimeSpan.Zero) Fail(nameof(o.DrainTimeout), $"must be 0 or more, got {o.DrainTimeout}");
        foreach (var proxy in o.TrustedProxies)
        {
            if (!IPNetwork.TryParse(proxy, out _) && !IPAddress.TryParse(proxy, out _))
                Fail(nameof(o.TrustedProxies), $"'{proxy}' is not an IP address or CIDR network");
        }
        if (o.Upstreams.Count == 0) Fail(nameof(o.Upstreams), "at least one Odoo HTTP destination is needed");
        if (o.GeventUpstreams.Count == 0) Fail(nameof(o.GeventUpstreams), "at least one Odoo gevent destination is needed");
        _ = WorkerDestinations(o);
        _ = GeventDestinations(o);
    }

    /// <summary>The parsed HTTP worker destinations.</summary>
    public static IReadOnlyList<UpstreamDestination> WorkerDestinations(ProxyOptions o) =>
        Parse(o.Upstreams, o.Workers, nameof(o.Upstreams));

    /// <summary>The parsed gevent destinations (never admission-limited).</summary>
    public static IReadOnlyList<UpstreamDestination> GeventDestinations(ProxyOptions o) =>
        Parse(o.GeventUpstreams, 0, nameof(o.GeventUpstreams));

    private static List<UpstreamDestination> Parse(IReadOnlyList<string> values, int workers, string name)
    {
        var list = new List<UpstreamDestination>(values.Count);
        for (var i = 0; i < values.Count; i++) list.Add(UpstreamDestination.Parse(values[i], workers, $"{Key(name)}:{i}"));
        var duplicate = list.GroupBy(d => d.Address).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) Fail(name, $"'{duplicate.Key}' is listed twice");
        return list;
    }

    private static void ListenUrl(string value, string setting)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.AbsolutePath != "/")
        {
            throw new ConfigurationException(setting, $"'{value}' is not a listen URL like http://0.0.0.0:8080 (TLS belongs to the front, see docs)");
        }
        if (ListenEndpoint(uri) is null)
        {
            throw new ConfigurationException(setting, $"'{uri.Host}' is not an IP address to listen on (use 0.0.0.0, [::] or 127.0.0.1)");
        }
    }

    /// <summary>The IP endpoint of a validated listen URL (<c>localhost</c> means loopback).</summary>
    public static IPEndPoint? ListenEndpoint(Uri uri) =>
        uri.IsLoopback && uri.HostNameType == UriHostNameType.Dns ? new IPEndPoint(IPAddress.Loopback, uri.Port)
        : IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) ? new IPEndPoint(ip, uri.Port)
        : null;

    private static string Key(string property) => $"{ProxyOptions.Section}:{property}";

    private static void Fail(string property, string problem) => throw new ConfigurationException(Key(property), problem);
}
