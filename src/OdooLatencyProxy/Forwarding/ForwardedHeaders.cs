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
    private readonly AddressRanges _trusted = new(options.TrustedProxies);
    private readonly bool _anyTrusted = options.TrustedProxies.Count > 0;

    public ValueTask ApplyAsync(RequestTransformContext context)
    {
        var http = context.HttpContext;
        var remote = http.Connection.RemoteIpAddress;
        var trusted = remote is not null && IsTrusted(remote);
        var client = LastHop(http);

        // nginx's $proxy_add_x_forwarded_for: whatever came in, plus the address we saw.
        var forwardedFor = RequestTransform.TakeHeader(context, "X-Forwarded-For");
        RequestTransform.AddHeader(context, "X-Forwarded-For", forwardedFor.Count == 0 ? client : $"{forwardedFor}, {client}");

        Replace(context, "X-Real-IP", trusted, client);
        Replace(context, "X-Forwarded-Proto", trusted, http.Request.Scheme);
        Replace(context, "X-Forwarded-Host", trusted, http.Request.Host.Value ?? string.Empty);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The address this proxy appends to X-Forwarded-For: the peer it saw. Odoo's proxy_mode trusts one hop, so this is
    /// the client address Odoo uses and writes in its access lines.
    /// </summary>
    public static string LastHop(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>The client as a trusted front reported it (X-Real-IP), or null when the peer is the client.</summary>
    public string? ForwardedClient(HttpContext context)
    {
        if (!_anyTrusted || context.Connection.RemoteIpAddress is not { } remote || !IsTrusted(remote)) return null;
        var realIp = context.Request.Headers["X-Real-IP"];
        return realIp.Count == 1 ? realIp[0] : null;
    }

    /// <summary>
    /// The client's address for access rules: the peer, or, when the peer is a trusted front, the nearest address in
    /// X-Forwarded-For that is not a trusted front itself (fronts append, so the right end is the only part not written
    /// by the client). Null when a trusted front's header cannot be read: rules then treat the client as unknown.
    /// </summary>
    public IPAddress? ClientAddress(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (remote is null || !_anyTrusted || !IsTrusted(remote)) return remote;
        var client = remote;
        var forwardedFor = context.Request.Headers["X-Forwarded-For"];
        for (var i = forwardedFor.Count - 1; i >= 0; i--)
        {
            var hops = (forwardedFor[i] ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            for (var j = hops.Length - 1; j >= 0; j--)
            {
                if (!IPAddress.TryParse(hops[j], out var hop)) return null;
                if (!IsTrusted(hop)) return hop;
                client = hop;
            }
        }
        return client;
    }

    private static void Replace(RequestTransformContext context, string header, bool keepIncoming, string value)
    {
        var incoming = RequestTransform.TakeHeader(context, header);
        RequestTransform.AddHeader(context, header, keepIncoming && incoming.Count > 0 ? incoming : value);
    }

    private bool IsTrusted(IPAddress address) => _trusted.Contains(address);
}
