using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OdooLatencyProxy.RequestPath;

namespace OdooLatencyProxy.RealOdoo.Tests.Support;

/// <summary>
/// A recorder registered in the proxy's services: keeps the requests the proxy saw start, those it finished, and each
/// finished one by its <c>?t=</c> tag.
/// </summary>
public sealed class ProxyRecords : IRequestRecorder
{
    private readonly ConcurrentQueue<ProxyRecord> _started = new();
    private readonly ConcurrentQueue<ProxyRecord> _finished = new();
    private readonly ConcurrentDictionary<string, ProxyRecord> _byTag = new();

    /// <summary>Requests as they arrived (operation named from the route only; no outcome yet).</summary>
    public IReadOnlyList<ProxyRecord> Started => [.. _started];

    /// <summary>Requests once finished, in the order they finished (a websocket finishes when it closes).</summary>
    public IReadOnlyList<ProxyRecord> Finished => [.. _finished];

    /// <summary>Registers this recorder in the proxy's services (<c>ProxyInFront.StartAsync(..., services: records.AddTo)</c>).</summary>
    public void AddTo(IServiceCollection services) => services.AddSingleton<IRequestRecorder>(this);

    void IRequestRecorder.Started(HttpContext context, ProxyExchange exchange) => _started.Enqueue(ProxyRecord.From(context, exchange, finished: false));

    /// <inheritdoc />
    public void Record(HttpContext context, ProxyExchange exchange)
    {
        var finished = ProxyRecord.From(context, exchange, finished: true);
        _finished.Enqueue(finished);
        _byTag[finished.Tag] = finished;
    }

    /// <summary>The record of the request tagged <paramref name="tag"/>, waiting for it (the proxy records after the response).</summary>
    public async Task<ProxyRecord> GetAsync(string tag)
    {
        await Wait.UntilAsync(() => _byTag.ContainsKey(tag), $"the proxy recorded request {tag}");
        return _byTag[tag];
    }
}
