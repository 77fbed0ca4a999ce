using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OdooLatencyProxy.Odoo.Logs;
using OdooLatencyProxy.RequestPath;

namespace OdooLatencyProxy.RealOdoo.Tests.AccessLog;

/// <summary>
/// Registered beside the proxy's own listeners: what the proxy joined to each request, by the request's <c>?t=</c> tag
/// (a recorder notes each exchange's tag; the listener hears the cost the join found for it).
/// </summary>
public sealed class JoinedCosts : IRequestRecorder, IOdooCostListener
{
    private readonly ConcurrentDictionary<ProxyExchange, string> _tags = new();
    private readonly ConcurrentDictionary<string, (string Operation, OdooRequestCost Cost)> _byTag = new();

    public void AddTo(IServiceCollection services)
    {
        services.AddSingleton<IRequestRecorder>(this);
        services.AddSingleton<IOdooCostListener>(this);
    }

    public void Record(HttpContext context, ProxyExchange exchange) => _tags[exchange] = context.Request.Query["t"].ToString();

    public void CostJoined(ProxyExchange exchange, OdooRequestCost cost)
    {
        if (_tags.TryRemove(exchange, out var tag)) _byTag[tag] = (exchange.Operation.Name, cost);
    }

    /// <summary>The operation and cost joined to the request tagged <paramref name="tag"/>, waiting for the log to be read.</summary>
    public async Task<(string Operation, OdooRequestCost Cost)> GetAsync(string tag)
    {
        await Wait.UntilAsync(() => _byTag.ContainsKey(tag), $"the proxy joined request {tag} to its access line", TimeSpan.FromSeconds(30));
        return _byTag[tag];
    }
}
