using OdooLatencyProxy.Forwarding;

namespace OdooLatencyProxy.Admission;

/// <summary>The admission pools of the proxy, and their live numbers for telemetry and the admin API.</summary>
public sealed class WorkerPools
{
    /// <summary>Creates the pool for the Odoo HTTP workers of <paramref name="options"/>.</summary>
    public WorkerPools(Configuration.ProxyOptions options, TimeProvider time, IWorkerPoolObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Workers = new WorkerPool(
            ProxyTopology.WorkersCluster,
            options.Upstreams.ToDictionary(d => d.Id, options.WorkerLimit),
            options.MaxQueueLength,
            options.MaxQueueWait,
            time,
            observer);
    }

    /// <summary>The pool of Odoo HTTP workers.</summary>
    public WorkerPool Workers { get; }

    /// <summary>The pool for a YARP cluster, or null when the cluster is not admission-controlled.</summary>
    public WorkerPool? ForCluster(string clusterId) => clusterId == Workers.Name ? Workers : null;

    /// <summary>Live numbers of every pool.</summary>
    public IReadOnlyList<WorkerPoolSnapshot> Snapshot() => [Workers.Snapshot()];
}
