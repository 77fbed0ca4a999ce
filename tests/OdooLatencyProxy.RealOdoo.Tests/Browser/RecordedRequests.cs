using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Model;
using OdooLatencyProxy.RequestPath;

namespace OdooLatencyProxy.RealOdoo.Tests.Browser;

/// <summary>What the proxy handed its recorders, as plain values: the requests it saw start, and those it finished.</summary>
public sealed class RecordedRequests : IRequestRecorder
{
    private readonly ConcurrentQueue<RecordedRequest> _started = new();
    private readonly ConcurrentQueue<RecordedRequest> _finished = new();

    /// <summary>Requests as they arrived (operation named from the route only; no outcome yet).</summary>
    public IReadOnlyList<RecordedRequest> Started => [.. _started];

    /// <summary>Requests once finished, in the order they finished (a websocket finishes when it closes).</summary>
    public IReadOnlyList<RecordedRequest> Finished => [.. _finished];

    void IRequestRecorder.Started(HttpContext context, ProxyExchange exchange) => _started.Enqueue(RecordedRequest.From(context, exchange, finished: false));

    /// <inheritdoc />
    public void Record(HttpContext context, ProxyExchange exchange) => _finished.Enqueue(RecordedRequest.From(context, exchange, finished: true));
}

/// <summary>One request as the proxy recorded it; <see cref="Outcome"/> and <see cref="Status"/> are final only once finished.</summary>
public sealed record RecordedRequest(string Method, string Path, string Operation, string Outcome, int Status, string? Cluster, string? Destination)
{
    internal static RecordedRequest From(HttpContext context, ProxyExchange exchange, bool finished)
    {
        var proxy = context.Features.Get<IReverseProxyFeature>();
        return new(
            context.Request.Method,
            context.Request.Path.Value ?? "/",
            exchange.Operation.Name,
            finished ? exchange.Outcome.ToString() : "-",
            finished ? context.Response.StatusCode : 0,
            proxy?.Cluster.Config.ClusterId,
            // Websockets take no worker, so the record has no destination of its own: YARP's choice is the one used.
            exchange.Destination ?? proxy?.ProxiedDestination?.DestinationId);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Method} {Path} [{Operation}] -> {Status} {Outcome} via {Cluster}/{Destination}";
}
