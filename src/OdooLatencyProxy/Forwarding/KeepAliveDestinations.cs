using System.Collections.Concurrent;

namespace OdooLatencyProxy.Forwarding;

/// <summary>
/// The destinations that answered HTTP/1.1 without <c>Connection: close</c>: they would keep connections alive, so from
/// then on they get .NET's pooled client through YARP's forwarder instead of a connection per request (the proxy's own
/// client, <see cref="RequestPath.WorkerForwarder"/> and <see cref="PreforkHttpHandler"/>). Odoo's prefork workers never do.
/// </summary>
internal sealed partial class KeepAliveDestinations(ILogger<KeepAliveDestinations> logger)
{
    private readonly ConcurrentDictionary<string, bool> _authorities = new(StringComparer.OrdinalIgnoreCase);

    public bool Contains(string authority) => _authorities.ContainsKey(authority);

    public void Add(string authority)
    {
        if (_authorities.TryAdd(authority, true)) LogPooled(logger, authority);
    }

    [LoggerMessage(EventId = 1120, Level = LogLevel.Information, Message = "Odoo at {Destination} keeps connections alive (HTTP/1.1): pooled connections from now on")]
    private static partial void LogPooled(ILogger logger, string destination);
}
