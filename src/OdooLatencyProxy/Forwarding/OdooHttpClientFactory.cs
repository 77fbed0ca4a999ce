using System.Diagnostics;
using OdooLatencyProxy.Admission;
using OdooLatencyProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace OdooLatencyProxy.Forwarding;

/// <summary>
/// YARP's client to Odoo, with four changes: connections are opened by <see cref="UpstreamConnector"/>; the HTTP workers get a
/// connection per request from <see cref="PreforkHttpHandler"/> (unless <see cref="ProxyOptions.ConnectionPerRequest"/> is off);
/// health probes of an admission-controlled cluster take a worker first (<see cref="AdmittedProbeHandler"/>); and the W3C
/// trace context is never .NET's (the proxy's own transform writes it, <see cref="TraceContext"/>).
/// </summary>
internal sealed class OdooHttpClientFactory(ProxyOptions options, WorkerPools pools, TimeProvider time, UpstreamConnector connector, KeepAliveDestinations keepAlive, ILogger<ForwarderHttpClientFactory> logger)
    : ForwarderHttpClientFactory(logger)
{
    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        handler.ConnectCallback = (connection, cancellationToken) => connector.ConnectAsync(connection.DnsEndPoint, cancellationToken);
        // The trace context is the proxy's own request transform (TraceContext), not .NET's propagator from a request Activity.
        handler.ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator();
    }

    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler)
    {
        var wrapped = base.WrapHandler(context, handler);
        if (pools.ForCluster(context.ClusterId) is not { } pool) return wrapped; // the gevent port: pooled, websockets
        if (options.ConnectionPerRequest && wrapped is SocketsHttpHandler sockets) wrapped = new PreforkHttpHandler(sockets, connector, keepAlive);
        return new AdmittedProbeHandler(wrapped, pool, options.HealthCheckTimeout, time);
    }
}
