using OdooLatencyProxy.Odoo.Classification;
using OdooLatencyProxy.RequestPath;

namespace OdooLatencyProxy.Telemetry;

/// <summary>
/// Feeds every finished exchange to the OTel instruments and the exact percentile windows, and counts open realtime
/// connections. Realtime requests (websocket, long polling) stay out of the latency figures: their duration is a
/// session length, not a response time.
/// </summary>
internal sealed class TelemetryRecorder(OdooMeter meter, LatencyWindows latency, TimeProvider time) : IRequestRecorder
{
    public void Started(HttpContext context, ProxyExchange exchange)
    {
        if (IsRealtime(exchange)) meter.RealtimeOpened();
    }

    public void Record(HttpContext context, ProxyExchange exchange)
    {
        if (IsRealtime(exchange))
        {
            meter.RealtimeClosed();
            return;
        }
        var elapsed = exchange.FinishedAt - exchange.StartedAt;
        meter.RequestFinished(exchange, context.Response.StatusCode, elapsed / (double)time.TimestampFrequency);
        latency.Record(exchange.Operation, elapsed, exchange.Outcome.Outcome != OdooOutcome.Ok);
    }

    /// <summary>True for websocket and long-polling exchanges, whose duration is a session length.</summary>
    internal static bool IsRealtime(ProxyExchange exchange) =>
        exchange.Operation is { } operation && (ReferenceEquals(operation.Name, OperationNames.Realtime) || operation.Name == OperationNames.Realtime);
}
