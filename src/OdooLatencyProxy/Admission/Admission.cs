namespace OdooLatencyProxy.Admission;

/// <summary>The result of asking for a worker: a lease, or why not, and how long the request queued.</summary>
public readonly record struct Admission(WorkerLease? Lease, AdmissionRejection Rejection, TimeSpan QueueWait)
{
    internal static Admission Admitted(WorkerLease lease, TimeSpan waited) => new(lease, AdmissionRejection.None, waited);

    internal static Admission Rejected(AdmissionRejection why, TimeSpan waited) => new(null, why, waited);
}
