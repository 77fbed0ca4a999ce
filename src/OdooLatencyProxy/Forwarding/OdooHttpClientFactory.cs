using System.Diagnostics;
using OdooLatencyProxy.Admission;
using OdooLatencyProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace OdooLatencyProxy.Forwarding;

/// <summary>
/// YARP's client to Odoo, with four changes: connections are opened by <see cref="UpstreamConnector"/>; the HTTP workers get a
/// connection per request from <see cref="PreforkHttpHandler"/> (unless <see cref="ProxyOptions.ConnectionPerRequest"/> is off);
/// health probes of an admission-controlled cluster take a worker first (<see cref="AdmittedProbeHandler"/>); and the W3C
/// trace context is added only when <see cref="ProxyOptions.PropagateTraceContext"/> says so.
/// </summary>
internal sealed class OdooHttpClientFactory(ProxyOptions options, WorkerPools pools, TimeProvider time, UpstreamConnector connector, KeepAliveDestinations keepAlive, ILogger<ForwarderHttpClientFactory> logger)
    : ForwarderHttpClientFactory(logger)
{
    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        handler.ConnectCallback = (connection, cancellationToken) => connector.ConnectAsync(connection.DnsEndPoint, cancellationToken);
        // YARP's propagator replaces the client's traceparent with the proxy's; with none, the client's own headers pass as they are.
        if (!options.PropagateTraceContext) handler.ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator();
    }

    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler)
    {
        var wrapped = base.WrapHandler(context, handler);
        if (pools.ForCluster(context.ClusterId) is not { } pool) return wrapped; // the gevent port: pooled, websockets
        if (options.ConnectionPerRequest && wrapped is SocketsHttpHandler sockets) wrapped = new PreforkHttpHandler(sockets, connector, keepAlive);
        return new AdmittedProbeHandler(wrapped, pool, options.HealthCheckTimeout, time);
    }
}
