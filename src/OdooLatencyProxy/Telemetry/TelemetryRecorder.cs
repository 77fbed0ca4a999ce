using OdooLatencyProxy.Odoo.Classification;

namespace OdooLatencyProxy.Telemetry;

/// <summary>
/// Feeds every finished request to the OTel instruments and the exact percentile windows, lists requests holding a
/// worker, and counts open realtime connections. Realtime requests (websocket, long polling) stay out of the
/// latency figures: their duration is a session length, not a response time.
/// </summary>
internal sealed class TelemetryRecorder(OdooMeter meter, LatencyWindows latency, InFlightRegistry inFlight, TimeProvider time) : IRequestRecorder
{
    public void Started(HttpContext context, RequestRecord record)
    {
        if (IsRealtime(record)) meter.RealtimeOpened();
    }

    public void Admitted(HttpContext context, RequestRecord record) => inFlight.Add(context, record);

    public void Record(HttpContext context, RequestRecord record)
    {
        if (IsRealtime(record))
        {
            meter.RealtimeClosed();
            return;
        }
        var elapsed = record.FinishedAt - record.StartedAt;
        meter.RequestFinished(record, context.Response.StatusCode, elapsed / (double)time.TimestampFrequency);
        latency.Record(record.Operation, elapsed, record.Outcome.Outcome != OdooOutcome.Ok);
    }

    private static bool IsRealtime(RequestRecord record) =>
        record.Operation is { } operation && (ReferenceEquals(operation.Name, OperationNames.Realtime) || operation.Name == OperationNames.Realtime);
}
