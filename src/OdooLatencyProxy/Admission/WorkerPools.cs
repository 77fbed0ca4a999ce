namespace OdooLatencyProxy.Admission;

/// <summary>The admission pools of the proxy, and their live numbers for telemetry and the admin API.</summary>
public sealed class WorkerPools
{
    /// <summary>Creates the pool for the Odoo HTTP workers.</summary>
    public WorkerPools(WorkerPoolDefinition workers, TimeProvider time, IWorkerPoolObserver? observer = null)
    {
        Workers = new WorkerPool(workers.Name, workers.WorkersByDestination, workers.MaxQueueLength, workers.MaxQueueWait, time, observer);
    }

    /// <summary>The pool of Odoo HTTP workers.</summary>
    public WorkerPool Workers { get; }

    /// <summary>The pool for a YARP cluster, or null when the cluster is not admission-controlled.</summary>
    public WorkerPool? ForCluster(string clusterId) => clusterId == Workers.Name ? Workers : null;

    /// <summary>Live numbers of every pool.</summary>
    public IReadOnlyList<WorkerPoolSnapshot> Snapshot() => [Workers.Snapshot()];

    /// <summary>The leases held now in every pool (the requests holding a worker), in no particular order.</summary>
    public IReadOnlyList<WorkerLease> InFlight() => Workers.InFlight();
}
