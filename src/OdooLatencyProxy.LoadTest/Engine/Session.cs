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

/// <summary>Placeholder values of one step: login facts, the session's uid, fresh ids, and parameters picked once per step.</summary>
internal sealed class StepValues(Scenario scenario, Session session, Random random, Func<long> nextRpcId)
{
    private Dictionary<string, TemplateValue>? _picked;

    public TemplateValue Get(string name)
    {
        switch (name)
        {
            case "db":
                return TemplateValue.String(session.Login?.Database ?? "odoo");
            case "login":
                return TemplateValue.String(session.Login?.User ?? "");
            case "password":
                return TemplateValue.String(session.Login?.Password ?? "");
            case "uid":
                return session.Uid is { } uid ? TemplateValue.Number(uid) : new TemplateValue(System.Text.Json.JsonValueKind.False, "false");
            case "rpc_id":
                return TemplateValue.Number(nextRpcId());
            case "uuid":
                return TemplateValue.String(Guid.NewGuid().ToString());
        }

        // The same record id in every request of a step: save, confirm and read act on one order.
        _picked ??= new Dictionary<string, TemplateValue>(StringComparer.Ordinal);
        if (!_picked.ContainsKey(name) && !scenario.Parameters.ContainsKey(name))
        {
            throw new KeyNotFoundException($"'{name}' has no value yet");
        }

        if (!_picked.TryGetValue(name, out var value))
        {
            value = scenario.Parameters[name](random);
            _picked[name] = value;
        }

        return value;
    }

    /// <summary>Sets a value taken from a pool or captured from an answer; it wins over a parameter of the same name.</summary>
    public void Set(string name, TemplateValue value)
    {
        _picked ??= new Dictionary<string, TemplateValue>(StringComparer.Ordinal);
        _picked[name] = value;
    }
}
