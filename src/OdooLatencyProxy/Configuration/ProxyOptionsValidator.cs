using Microsoft.Extensions.Options;

namespace OdooLatencyProxy.Configuration;

/// <summary>Checks every <see cref="ProxyOptions"/> setting and reports all that are out of range, each as <c>Proxy:Key: problem</c>.</summary>
public sealed class ProxyOptionsValidator : IValidateOptions<ProxyOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ProxyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options;
        var errors = new List<string>();
        void Check(bool ok, string property, string problem)
        {
            if (!ok) errors.Add($"{ProxyOptions.Section}:{property}: {problem}");
        }

        Check(ListenUrl.TryEndpoint(o.Listen, out var listen) is not null, nameof(o.Listen), listen!);
        Check(ListenUrl.TryEndpoint(o.AdminListen, out var admin) is not null, nameof(o.AdminListen), admin!);
        Check(o.Workers >= 0, nameof(o.Workers), $"must be 0 (not limited) or more, got {o.Workers}");
        Check(o.MaxQueueLength >= 0, nameof(o.MaxQueueLength), $"must be 0 (unbounded) or more, got {o.MaxQueueLength}");
        Check(o.MaxQueueWait is not { } wait || wait > TimeSpan.Zero, nameof(o.MaxQueueWait), $"must be positive, got {o.MaxQueueWait}");
        Check(o.RetryAfterSeconds >= 0, nameof(o.RetryAfterSeconds), $"must be 0 or more, got {o.RetryAfterSeconds}");
        Check(o.Timeout > TimeSpan.Zero, nameof(o.Timeout), $"must be positive, got {o.Timeout}");
        Check(o.WebSocketIdleTimeout is not { } idle || idle > TimeSpan.Zero, nameof(o.WebSocketIdleTimeout), $"must be positive, got {o.WebSocketIdleTimeout}");
        Check(o.MaxRequestBodyBytes > 0, nameof(o.MaxRequestBodyBytes), $"must be positive, got {o.MaxRequestBodyBytes}");
        Check(o.BufferMemoryBytes >= 0, nameof(o.BufferMemoryBytes), $"must be 0 or more, got {o.BufferMemoryBytes}");
        Check(o.MaxResponseBufferBytes >= 0, nameof(o.MaxResponseBufferBytes), $"must be 0 or more, got {o.MaxResponseBufferBytes}");
        Check(o.TempDirectory is not { Length: > 0 } temp || Directory.Exists(temp), nameof(o.TempDirectory), $"folder '{o.TempDirectory}' does not exist");
        Check(o.HealthCheckInterval > TimeSpan.Zero, nameof(o.HealthCheckInterval), $"must be positive, got {o.HealthCheckInterval}");
        Check(o.HealthCheckTimeout > TimeSpan.Zero, nameof(o.HealthCheckTimeout), $"must be positive, got {o.HealthCheckTimeout}");
        Check(o.HealthCheckFailureThreshold >= 1, nameof(o.HealthCheckFailureThreshold), $"must be 1 or more, got {o.HealthCheckFailureThreshold}");
        Check(o.SocketThreads is >= 1 and <= 256, nameof(o.SocketThreads), $"must be from 1 to 256, got {o.SocketThreads}");
        Check(o.DrainTimeout >= TimeSpan.Zero, nameof(o.DrainTimeout), $"must be 0 or more, got {o.DrainTimeout}");
        foreach (var (list, property) in new[] { (o.TrustedProxies, nameof(o.TrustedProxies)), (o.AllowDatabaseManager, nameof(o.AllowDatabaseManager)) })
        {
            foreach (var entry in list)
            {
                Check(AddressRanges.TryParse(entry, out _), property, $"'{entry}' is not an IP address or CIDR network (e.g. 192.0.2.0/24 or 192.0.2.7)");
            }
        }
        foreach (var path in o.BlockedPaths)
        {
            Check(path is ['/', ..], nameof(o.BlockedPaths), $"'{path}' is not a path (it starts with /, e.g. /xmlrpc/2/db)");
        }
        Check(o.Upstreams.Count > 0, nameof(o.Upstreams), "at least one Odoo HTTP destination is needed");
        Check(o.GeventUpstreams.Count > 0, nameof(o.GeventUpstreams), "at least one Odoo gevent destination is needed");
        foreach (var (list, property) in new[] { (o.Upstreams, nameof(o.Upstreams)), (o.GeventUpstreams, nameof(o.GeventUpstreams)) })
        {
            // Destinations are keyed by host:port (YARP, admission, metrics): two URLs with one authority are one host.
            var duplicate = list.GroupBy(d => d.Id, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
            Check(duplicate is null, property, $"'{duplicate?.Key}' is listed twice");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
