using System.Net;
using OdooLatencyProxy.Admission;

namespace OdooLatencyProxy.Forwarding;

/// <summary>
/// Sends a health probe only with a worker of its destination taken from the admission pool, so Odoo never sees more
/// than the worker limit at once. When no worker frees within half the probe timeout, the probe is skipped: all workers
/// busy means Odoo is serving, and <see cref="BusyAwareFailuresPolicy"/> leaves the destination's health as it was.
/// </summary>
internal sealed class AdmittedProbeHandler(HttpMessageHandler inner, WorkerPool pool, TimeSpan probeTimeout, TimeProvider time) : DelegatingHandler(inner)
{
    /// <summary>True for the stand-in answer of a probe that found every worker busy.</summary>
    public static bool WasSkipped(HttpResponseMessage? response) => response?.RequestMessage is ProbeRequest { Skipped: true };

    // A forwarded request was admitted already: handed on as it is, without an async layer of its own.
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        request is ProbeRequest { Destination: { } destination } probe
            ? SendProbeAsync(probe, destination, cancellationToken)
            : base.SendAsync(request, cancellationToken);

    private async Task<HttpResponseMessage> SendProbeAsync(ProbeRequest request, string destination, CancellationToken cancellationToken)
    {
        Admission.Admission admission;
        using (var wait = new CancellationTokenSource(probeTimeout / 2, time))
        using (var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, wait.Token))
        {
            admission = await pool.AcquireAsync([destination], bounded.Token);
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (admission.Lease is not { } lease)
        {
            request.Skipped = true;
            return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { RequestMessage = request, ReasonPhrase = "Probe skipped: every worker busy" };
        }
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            // The worker is free once its answer has been read, not when the headers arrive.
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            return response;
        }
        finally
        {
            lease.Release();
        }
    }
}
