using OdooLatencyProxy.LoadTest.Scenarios;

namespace OdooLatencyProxy.LoadTest.Engine;

/// <summary>An Odoo session: the <c>session_id</c> cookie and, once logged in, the user id (for XML-RPC and /jsonrpc calls).</summary>
internal sealed class Session(LoginSpec? login)
{
    private volatile string? _cookie;

    /// <summary>Who logged in (null for an anonymous visitor).</summary>
    public LoginSpec? Login { get; } = login;

    /// <summary>The user id from <c>/web/session/authenticate</c>, or null.</summary>
    public long? Uid { get; set; }

    /// <summary>The <c>Cookie</c> header to send, e.g. <c>session_id=...</c>; null before Odoo handed one out.</summary>
    public string? Cookie => _cookie;

    /// <summary>Keeps the <c>session_id</c> Odoo sets (login rotates it; pages set it again).</summary>
    public void Update(IEnumerable<string> setCookies)
    {
        foreach (var header in setCookies)
        {
            var pair = header.Split(';', 2)[0].Trim();
            if (pair.StartsWith("session_id=", StringComparison.Ordinal) && pair.Length > "session_id=".Length)
            {
                _cookie = pair;
            }
        }
    }
}
