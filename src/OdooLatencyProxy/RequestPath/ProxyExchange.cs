using System.Net;
using OdooLatencyProxy.Admission;
using OdooLatencyProxy.Odoo.Classification;

namespace OdooLatencyProxy.RequestPath;

/// <summary>
/// One request's exchange with Odoo, owned by <see cref="ProxyPipeline"/>: its stages fill it in order (name, buffer,
/// admit, forward, judge) and the recorders read it once it is final. Travels in <c>HttpContext.Features</c>.
/// </summary>
public sealed class ProxyExchange
{
    /// <summary>Value of <see cref="UpstreamFailure"/> when Odoo went silent for longer than the timeout.</summary>
    public const string TimeoutFailure = "timeout";

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) when the proxy started handling the request.</summary>
    public long StartedAt { get; internal init; }

    /// <summary>The business operation (never null once the proxy has seen the request line).</summary>
    public Operation Operation { get; internal set; } = null!;

    /// <summary>Buffered request body length, when the body was buffered.</summary>
    public long? RequestBodyBytes { get; internal set; }

    /// <summary>The admission pool, when the request needed a worker.</summary>
    public string? Pool { get; internal set; }

    /// <summary>Time spent waiting for a worker in the proxy's queue.</summary>
    public TimeSpan QueueWait { get; internal set; }

    /// <summary>Why admission refused the request, if it did.</summary>
    public AdmissionRejection Rejection { get; internal set; }

    /// <summary>The worker held for this request; released as soon as Odoo's response is fully read.</summary>
    public WorkerLease? Lease { get; internal set; }

    /// <summary>The destination id that served the request.</summary>
    public string? Destination { get; internal set; }

    /// <summary>Request method, kept at admission for the in-flight list (read from another thread than the request's).</summary>
    public string? Method { get; internal set; }

    /// <summary>Request path without query string, kept at admission for the in-flight list.</summary>
    public string? Path { get; internal set; }

    /// <summary>The peer's address, kept at admission for the in-flight list.</summary>
    public IPAddress? ClientAddress { get; internal set; }

    /// <summary>The client as a trusted front reported it, kept at admission for the in-flight list.</summary>
    public string? ForwardedClient { get; internal set; }

    /// <summary>Timestamp when the request was sent to Odoo (0 if never).</summary>
    public long UpstreamStartedAt { get; internal set; }

    /// <summary>Timestamp when Odoo's response was fully read (0 if not yet).</summary>
    public long UpstreamFinishedAt { get; internal set; }

    /// <summary>Set when reading Odoo's response failed after its headers arrived.</summary>
    public string? UpstreamFailure { get; internal set; }

    /// <summary>
    /// The proxy saw the client go before the exchange ended (its body broke off). Kept here because Kestrel signals
    /// <c>RequestAborted</c> from another thread, a moment after the read that saw it failed.
    /// </summary>
    public bool ClientLeft { get; internal set; }

    /// <summary>What the response's status and first bytes said, when the proxy looked at them.</summary>
    public ResponseOutcome? DetectedOutcome { get; internal set; }

    /// <summary>How the request ended; final when recorders are called.</summary>
    public ResponseOutcome Outcome { get; internal set; }

    /// <summary>Timestamp when the proxy finished with the request (response sent, refused or aborted).</summary>
    public long FinishedAt { get; internal set; }

    /// <summary>
    /// The end of the call to Odoo, wherever it is noticed (response drained, drain failed, stream ended): the first
    /// call stamps the time and gives the worker back; later calls do nothing.
    /// </summary>
    internal void EndUpstream(long now)
    {
        if (UpstreamFinishedAt == 0) UpstreamFinishedAt = now;
        Lease?.Release();
    }
}
