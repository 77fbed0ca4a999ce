namespace OdooLatencyProxy.Admission;

/// <summary>Why a request was not admitted.</summary>
public enum AdmissionRejection
{
    /// <summary>Admitted.</summary>
    None,
    /// <summary>The queue was at its maximum length.</summary>
    QueueFull,
    /// <summary>The request waited longer than the maximum queue wait.</summary>
    QueueTimeout,
    /// <summary>The client went away while queued.</summary>
    ClientAborted,
}
