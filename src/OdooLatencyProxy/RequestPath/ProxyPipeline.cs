using OdooLatencyProxy.Admission;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace OdooLatencyProxy.RequestPath;

/// <summary>
/// The proxy's request path, one exchange per request (the workers' from <see cref="WorkerRoute"/>, the gevent routes' inside YARP's pipeline), in order: name, check (framing, closed
/// paths), buffer, admit, forward, judge, record. Each stage is its own type; the exchange is recorded exactly once, whatever happened.
/// Load balancing is admission's choice of destination.
/// </summary>
internal sealed class ProxyPipeline(
    RequestNaming naming, RequestFraming framing, PathProtection protection, RequestBuffering buffering, WorkerAdmission admission, UpstreamCall upstream, ExchangeRecording recording, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var exchange = new ProxyExchange { StartedAt = time.GetTimestamp() };
        context.Features.Set(exchange);
        var route = naming.NameFromRoute(context, exchange);
        var proxy = context.GetReverseProxyFeature();
        var pool = admission.PoolFor(proxy);
        try
        {
            recording.Started(context, exchange);
            // Refusals of every route, before a byte of the body is read: nothing reaches Odoo, no worker is taken.
            if (!await framing.CheckAsync(context) || !await protection.CheckAsync(context)) return;
            if (pool is null)
            {
                await next(context); // Websockets and long polling: the gevent port, not counted against workers.
                // YARP answered 400 to a body it could not read (malformed chunks): the rest of the connection cannot be trusted.
                if (context.Features.Get<IForwarderErrorFeature>()?.Error == ForwarderError.RequestBodyClient && !context.Response.HasStarted)
                {
                    context.Response.Headers.Connection = "close";
                }
                return;
            }
            if (!await buffering.BufferAsync(context, exchange)) return;
            await naming.NameFromBodyAsync(context, route, exchange);
            if (proxy.AvailableDestinations.Count == 0)
            {
                await next(context); // YARP answers 503: no destination configured.
                return;
            }
            if (!await admission.AdmitAsync(context, proxy, pool, exchange)) return;
            await upstream.ForwardAsync(context, exchange, next);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            // The client went away while its body was read: nothing to answer.
        }
        finally
        {
            exchange.FinishedAt = time.GetTimestamp();
            exchange.Outcome = OutcomeDecision.Decide(context, exchange);
            recording.Finished(context, exchange);
        }
    }
}
