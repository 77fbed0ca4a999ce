using Microsoft.AspNetCore.Http;
using OdooLatencyProxy.RequestPath;
using Yarp.ReverseProxy.Model;

namespace OdooLatencyProxy.RealOdoo.Tests.Support;

/// <summary>
/// One request as the proxy recorded it, as plain values: its <c>?t=</c> tag, operation, outcome, queue wait, time at
/// Odoo and the worker it went to. <see cref="Outcome"/>, <see cref="Status"/> and <see cref="AtOdoo"/> are final only once finished.
/// </summary>
public sealed record ProxyRecord(
    string Tag, string Method, string Path, string Operation, string Outcome, string? Error, int Status,
    TimeSpan QueueWait, TimeSpan? AtOdoo, string? Cluster, string? Destination)
{
    internal static ProxyRecord From(HttpContext context, ProxyExchange exchange, bool finished)
    {
        var proxy = context.Features.Get<IReverseProxyFeature>();
        var atOdoo = finished && exchange.UpstreamStartedAt != 0 && exchange.UpstreamFinishedAt != 0
            ? TimeProvider.System.GetElapsedTime(exchange.UpstreamStartedAt, exchange.UpstreamFinishedAt)
            : (TimeSpan?)null;
        return new(
            context.Request.Query["t"].ToString(),
            context.Request.Method,
            context.Request.Path.Value ?? "/",
            exchange.Operation.Name,
            finished ? exchange.Outcome.OutcomeName : "-",
            finished ? exchange.Outcome.ErrorName : null,
            finished ? context.Response.StatusCode : 0,
            exchange.QueueWait,
            atOdoo,
            proxy?.Cluster.Config.ClusterId,
            // Websockets take no worker, so the record has no destination of its own: YARP's choice is the one used.
            exchange.Destination ?? proxy?.ProxiedDestination?.DestinationId);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Method} {Path} [{Operation}] -> {Status} {Outcome}{(Error is null ? "" : "/" + Error)} via {Cluster}/{Destination}";
}
