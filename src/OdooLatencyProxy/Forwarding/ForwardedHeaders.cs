using System.Net;
using Microsoft.Extensions.Primitives;
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

    /// <summary>The four headers' values for the request in <paramref name="http"/>, in the order Odoo's nginx example sets them.</summary>
    public (StringValues ForwardedFor, StringValues RealIp, StringValues Proto, StringValues Host) For(HttpContext http)
    {
        var headers = http.Request.Headers;
        var remote = http.Connection.RemoteIpAddress;
        var trusted = remote is not null && IsTrusted(remote);
        var client = LastHop(http);
        // nginx's $proxy_add_x_forwarded_for: whatever came in, plus the address we saw.
        var forwardedFor = headers["X-Forwarded-For"];
        return (
            forwardedFor.Count == 0 ? client : $"{forwardedFor}, {client}",
            Kept(headers["X-Real-IP"], trusted, client),
            Kept(headers["X-Forwarded-Proto"], trusted, http.Request.Scheme),
            Kept(headers["X-Forwarded-Host"], trusted, http.Request.Host.Value ?? string.Empty));
    }

    /// <summary>The names of the headers <see cref="For"/> sets: an incoming one is replaced, never passed on as well.</summary>
    public static bool IsOneOf(string header) =>
        header.Equals("X-Forwarded-For", StringComparison.OrdinalIgnoreCase) || header.Equals("X-Real-IP", StringComparison.OrdinalIgnoreCase)
        || header.Equals("X-Forwarded-Proto", StringComparison.OrdinalIgnoreCase) || header.Equals("X-Forwarded-Host", StringComparison.OrdinalIgnoreCase);

    /// <summary>The same headers as a YARP request transform, for the routes YARP's forwarder serves (the gevent port).</summary>
    public ValueTask ApplyAsync(RequestTransformContext context)
    {
        var (forwardedFor, realIp, proto, host) = For(context.HttpContext);
        Set(context, "X-Forwarded-For", forwardedFor);
        Set(context, "X-Real-IP", realIp);
        Set(context, "X-Forwarded-Proto", proto);
        Set(context, "X-Forwarded-Host", host);
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

    private static StringValues Kept(StringValues incoming, bool trusted, string value) => trusted && incoming.Count > 0 ? incoming : value;

    private static void Set(RequestTransformContext context, string header, StringValues value)
    {
        RequestTransform.TakeHeader(context, header);
        RequestTransform.AddHeader(context, header, value);
    }

    private bool IsTrusted(IPAddress address) => _trusted.Contains(address);
}
