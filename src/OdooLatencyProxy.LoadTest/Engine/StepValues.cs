using OdooLatencyProxy.LoadTest.Scenarios;

namespace OdooLatencyProxy.LoadTest.Engine;

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
