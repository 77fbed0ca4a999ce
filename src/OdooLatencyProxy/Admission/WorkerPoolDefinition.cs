namespace OdooLatencyProxy.Admission;

/// <summary>
/// One admission pool: its name (the YARP cluster id), the worker limit per destination id (0 = not limited),
/// the queue's maximum length (0 = unbounded) and maximum wait (null = none).
/// </summary>
public sealed record WorkerPoolDefinition(string Name, IReadOnlyDictionary<string, int> WorkersByDestination, int MaxQueueLength, TimeSpan? MaxQueueWait);
