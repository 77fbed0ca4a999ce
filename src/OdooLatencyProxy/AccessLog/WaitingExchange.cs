using System.Net;
using OdooLatencyProxy.RequestPath;

namespace OdooLatencyProxy.AccessLog;

/// <summary>
/// A finished exchange that reached Odoo, waiting for its access line: what the line will say of it (method, target,
/// status, the address Odoo logs) and when it was at Odoo, in UTC like the log. The target is kept only as a hash.
/// </summary>
internal sealed class WaitingExchange(ProxyExchange exchange, JoinKey key, IPAddress? client, DateTime start, DateTime end, long recordedAt)
{
    public ProxyExchange Exchange { get; } = exchange;
    public JoinKey Key { get; } = key;
    /// <summary>The peer's address (what the proxy puts last in X-Forwarded-For, so what Odoo logs); null when unknown.</summary>
    public IPAddress? Client { get; } = client;

    /// <summary>Whether Odoo's logged client is this exchange's peer (compared as addresses: no string per request).</summary>
    public bool SameClient(IPAddress? logged) => Equals(Client, logged);
    public DateTime Start { get; } = start;
    public DateTime End { get; } = end;
    public long RecordedAt { get; } = recordedAt;

    /// <summary>Joined to its line, or counted: no longer a candidate.</summary>
    public bool Done { get; set; }

    /// <summary>Was a candidate of an ambiguous line: its expiry is not counted again.</summary>
    public bool Contested { get; set; }

    /// <summary>How far <paramref name="time"/> is from the exchange's time at Odoo (zero inside it).</summary>
    public TimeSpan Distance(DateTime time) => time < Start ? Start - time : time > End ? time - End : TimeSpan.Zero;
}
