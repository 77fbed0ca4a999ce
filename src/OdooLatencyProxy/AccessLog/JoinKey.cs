using OdooLatencyProxy.Odoo.Logs;

namespace OdooLatencyProxy.AccessLog;

/// <summary>What an exchange and its access line must share besides time and client: method, status and a hash of the canonical target.</summary>
internal readonly record struct JoinKey(string Method, int Status, ulong TargetHash)
{
    /// <summary>The key of a request as the proxy saw it (<paramref name="rawTarget"/> percent-encoded, as sent).</summary>
    public static JoinKey ForRequest(string method, int status, string rawTarget) => new(method, status, Hash(OdooAccessLine.CanonicalTarget(rawTarget)));

    /// <summary>The key of an access line.</summary>
    public static JoinKey ForLine(OdooAccessLine line) => new(line.Method, line.Status, Hash(line.CanonicalTarget()));

    // FNV-1a, 64 bits: stable, cheap, and keeps query strings out of memory beyond the request itself.
    private static ulong Hash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        return hash;
    }
}
