using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OdooLatencyProxy.RequestPath;

namespace OdooLatencyProxy.RealOdoo.Tests.Support;

/// <summary>What the proxy recorded for one request: its operation, outcome, queue wait and time at Odoo.</summary>
public sealed record ProxyRecord(string Tag, string Path, string Operation, string Outcome, string? Error, TimeSpan QueueWait, TimeSpan? AtOdoo);

/// <summary>A recorder registered in the proxy's services: keeps every finished request by its <c>?t=</c> tag.</summary>
public sealed class ProxyRecords : IRequestRecorder
{
    private readonly ConcurrentDictionary<string, ProxyRecord> _byTag = new();

    /// <summary>Registers this recorder in the proxy's services (<c>ProxyInFront.StartAsync(..., services: records.AddTo)</c>).</summary>
    public void AddTo(IServiceCollection services) => services.AddSingleton<IRequestRecorder>(this);

    public void Record(HttpContext context, ProxyExchange exchange)
    {
        var tag = context.Request.Query["t"].ToString();
        var atOdoo = exchange.UpstreamStartedAt != 0 && exchange.UpstreamFinishedAt != 0
            ? TimeProvider.System.GetElapsedTime(exchange.UpstreamStartedAt, exchange.UpstreamFinishedAt)
            : (TimeSpan?)null;
        _byTag[tag] = new ProxyRecord(tag, context.Request.Path.Value ?? "", exchange.Operation.Name, exchange.Outcome.OutcomeName,
            exchange.Outcome.ErrorName, exchange.QueueWait, atOdoo);
    }

    /// <summary>The record of the request tagged <paramref name="tag"/>, waiting for it (the proxy records after the response).</summary>
    public async Task<ProxyRecord> GetAsync(string tag)
    {
        await Wait.UntilAsync(() => _byTag.ContainsKey(tag), $"the proxy recorded request {tag}");
        return _byTag[tag];
    }
}
