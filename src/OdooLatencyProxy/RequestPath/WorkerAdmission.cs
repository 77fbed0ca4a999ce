using OdooLatencyProxy.Admission;
using OdooLatencyProxy.Configuration;
using OdooLatencyProxy.Forwarding;
using Yarp.ReverseProxy.Model;

namespace OdooLatencyProxy.RequestPath;

/// <summary>
/// The admit stage: takes a worker of the request's pool on a destination YARP may use (or queues for one), points YARP
/// at that destination, and answers 503 itself when the queue refuses. The lease, listed in the pool's in-flight set,
/// names the exchange.
/// </summary>
internal sealed partial class WorkerAdmission(WorkerPools pools, ForwardedHeaders forwarded, ProxyOptions options, ILogger<WorkerAdmission> logger)
{
    /// <summary>The pool of the request's cluster, or null when the cluster is not admission-controlled.</summary>
    public WorkerPool? PoolFor(IReverseProxyFeature proxy) => pools.ForCluster(proxy.Cluster.Config.ClusterId);

    /// <summary>Takes a worker; false when the request was refused or its client left (the response is then set).</summary>
    public async ValueTask<bool> AdmitAsync(HttpContext context, IReverseProxyFeature proxy, WorkerPool pool, ProxyExchange exchange)
    {
        var available = proxy.AvailableDestinations;
        var candidates = new string[available.Count];
        for (var i = 0; i < candidates.Length; i++) candidates[i] = available[i].DestinationId;

        // What the in-flight list shows, kept before the lease lists the exchange (readers are on other threads and
        // must not touch the HttpContext). No allocation: these strings and the address exist already.
        var request = context.Request;
        exchange.Method = request.Method;
        exchange.Path = request.Path.Value; // PathString never holds the query string.
        exchange.ClientAddress = context.Connection.RemoteIpAddress;
        exchange.ForwardedClient = forwarded.ForwardedClient(context);
        exchange.Pool = pool.Name;

        var admission = await pool.AcquireAsync(candidates, exchange, context.RequestAborted);
        exchange.QueueWait = admission.QueueWait;
        if (admission.Lease is not { } lease)
        {
            exchange.Rejection = admission.Rejection;
            if (admission.Rejection == AdmissionRejection.ClientAborted) return false;
            LogRejected(logger, admission.Rejection, admission.QueueWait.TotalMilliseconds);
            await ProxyAnswers.TextAsync(context, StatusCodes.Status503ServiceUnavailable,
                admission.Rejection == AdmissionRejection.QueueFull
                    ? "All Odoo workers are busy and the queue is full; retry later.\n"
                    : "No Odoo worker became free in time; retry later.\n",
                options.RetryAfterSeconds);
            return false;
        }

        exchange.Lease = lease;
        exchange.Destination = lease.Destination;
        foreach (var destination in available)
        {
            if (destination.DestinationId == lease.Destination)
            {
                proxy.AvailableDestinations = destination;
                break;
            }
        }
        return true;
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Request rejected by the worker queue ({Reason}) after {WaitedMs:F0} ms")]
    private static partial void LogRejected(ILogger logger, AdmissionRejection reason, double waitedMs);
}
