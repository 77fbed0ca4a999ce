using OdooLatencyProxy.Admission;
using OdooLatencyProxy.Odoo.Classification;

namespace OdooLatencyProxy.Telemetry;

/// <summary>What the proxy learns about one request on its way; travels in <c>HttpContext.Features</c> to whatever records it.</summary>
public sealed class RequestRecord
{
    /// <summary>Value of <see cref="UpstreamFailure"/> when Odoo went silent for longer than the timeout.</summary>
    public const string TimeoutFailure = "timeout";

    /// <summary>The business operation (never null once the proxy has seen the request line).</summary>
    public Operation Operation { get; set; } = null!;

    /// <summary>How the request ended; final when recorders are called.</summary>
    public ResponseOutcome Outcome { get; set; }

    /// <summary>What the response's status and first bytes said, when the proxy looked at them.</summary>
    public ResponseOutcome? DetectedOutcome { get; set; }

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) when the proxy started handling the request.</summary>
    public long StartedAt { get; init; }

    /// <summary>Timestamp when the proxy finished with the request (response sent, refused or aborted).</summary>
    public long FinishedAt { get; set; }

    /// <summary>The admission pool, when the request needed a worker.</summary>
    public string? Pool { get; set; }

    /// <summary>The destination id that served the request.</summary>
    public string? Destination { get; set; }

    /// <summary>Time spent waiting for a worker in the proxy's queue.</summary>
    public TimeSpan QueueWait { get; set; }

    /// <summary>Why admission refused the request, if it did.</summary>
    public AdmissionRejection Rejection { get; set; }

    /// <summary>The worker held for this request; released as soon as Odoo's response is fully read.</summary>
    public WorkerLease? Lease { get; set; }

    /// <summary>Timestamp when the request was sent to Odoo (0 if never).</summary>
    public long UpstreamStartedAt { get; set; }

    /// <summary>Timestamp when Odoo's response was fully read (0 if not yet).</summary>
    public long UpstreamFinishedAt { get; set; }

    /// <summary>Set when reading Odoo's response failed after its headers arrived.</summary>
    public string? UpstreamFailure { get; set; }

    /// <summary>Buffered request body length, when the body was buffered.</summary>
    public long? RequestBodyBytes { get; set; }

    // The in-flight registry's fields: an intrusive list, so listing a request allocates nothing.
    internal InFlightRegistry? InFlightOwner { get; set; }
    internal RequestRecord? InFlightPrevious { get; set; }
    internal RequestRecord? InFlightNext { get; set; }
    internal long AdmittedAt { get; set; }
    internal string? Method { get; set; }
    internal string? Path { get; set; }
    internal System.Net.IPAddress? ClientAddress { get; set; }
    internal string? ForwardedClient { get; set; }
}
