using System.Net;
using OdooLatencyProxy.Configuration;
using Yarp.ReverseProxy.Transforms;

namespace OdooLatencyProxy.Forwarding;

/// <summary>
/// X-Forwarded-Host/-For/-Proto and X-Real-IP as Odoo's nginx example sets them (Odoo's proxy_mode trusts one hop).
/// Behind a trusted TLS front the front's Proto and Host are kept, so Odoo still builds https:// URLs.
/// </summary>
internal sealed class ForwardedHeaders(ProxyOptions options)
{
    private readonly IPNetwork[] _trusted = [.. options.TrustedProxies.Select(p => p.Contains('/', StringComparison.Ordinal) ? IPNetwork.Parse(p) : new IPNetwork(IPAddress.Parse(p), IPAddress.Parse(p).GetAddressBytes().Length * 8))];

    public ValueTask ApplyAsync(RequestTransformContext context)
    {
        var http = context.HttpContext;
        var remote = http.Connection.RemoteIpAddress;
        var trusted = remote is not null && IsTrusted(remote);
        var client = remote?.ToString() ?? "unknown";

        // nginx's $proxy_add_x_forwarded_for: whatever came in, plus the address we saw.
        var forwardedFor = RequestTransform.TakeHeader(context, "X-Forwarded-For");
        RequestTransform.AddHeader(context, "X-Forwarded-For", forwardedFor.Count == 0 ? client : $"{forwardedFor}, {client}");

        Replace(context, "X-Real-IP", trusted, client);
        Replace(context, "X-Forwarded-Proto", trusted, http.Request.Scheme);
        Replace(context, "X-Forwarded-Host", trusted, http.Request.Host.Value ?? string.Empty);
        return ValueTask.CompletedTask;
    }

    /// <summary>The client as a trusted front reported it (X-Real-IP), or null when the peer is the client.</summary>
    public string? ForwardedClient(HttpContext context)
    {
        if (_trusted.Length == 0 || context.Connection.RemoteIpAddress is not { } remote || !IsTrusted(remote)) return null;
        var realIp = context.Request.Headers["X-Real-IP"];
        return realIp.Count == 1 ? realIp[0] : null;
    }

    private static void Replace(RequestTransformContext context, string header, bool keepIncoming, string value)
    {
        var incoming = RequestTransform.TakeHeader(context, header);
        RequestTransform.AddHeader(context, header, keepIncoming && incoming.Count > 0 ? incoming : value);
    }

    private bool IsTrusted(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        foreach (var network in _trusted)
        {
            if (network.Contains(address)) return true;
        }
        return false;
    }
}
