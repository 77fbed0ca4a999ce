using System.Net;

namespace OdooLatencyProxy.Configuration;

/// <summary>A listener setting (<c>http://IP:port</c>) and the socket address it means.</summary>
public static class ListenUrl
{
    /// <summary>The IP endpoint of <paramref name="value"/> (<c>localhost</c> means loopback), or null with the reason when it is not a listen URL.</summary>
    public static IPEndPoint? TryEndpoint(string value, out string? problem)
    {
        problem = null;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.AbsolutePath != "/")
        {
            problem = $"'{value}' is not a listen URL like http://0.0.0.0:8080 (TLS belongs to the front, see docs)";
            return null;
        }
        var endpoint = uri.IsLoopback && uri.HostNameType == UriHostNameType.Dns ? new IPEndPoint(IPAddress.Loopback, uri.Port)
            : IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) ? new IPEndPoint(ip, uri.Port)
            : null;
        if (endpoint is null) problem = $"'{uri.Host}' is not an IP address to listen on (use 0.0.0.0, [::] or 127.0.0.1)";
        return endpoint;
    }

    /// <summary>The IP endpoint of a validated listen URL.</summary>
    public static IPEndPoint Endpoint(string value) =>
        TryEndpoint(value, out var problem) ?? throw new ConfigurationException("listen URL", problem!);
}
