using OdooLatencyProxy.Admission;
using OdooLatencyProxy.Odoo.Classification;
using OdooLatencyProxy.Telemetry;
using Yarp.ReverseProxy.Forwarder;

namespace OdooLatencyProxy.Classification;

/// <summary>The final outcome of a request: what the proxy saw (rejection, abort, transport failure) beats what Odoo said.</summary>
internal static class OutcomeDecision
{
    public static ResponseOutcome Decide(HttpContext context, RequestRecord record)
    {
        switch (record.Rejection)
        {
            case AdmissionRejection.QueueFull or AdmissionRejection.QueueTimeout:
                return new ResponseOutcome(OdooOutcome.Rejected);
            case AdmissionRejection.ClientAborted:
                return new ResponseOutcome(OdooOutcome.ClientAbort);
        }
        if (record.UpstreamFailure is { } failure)
        {
            return new ResponseOutcome(failure == RequestRecord.TimeoutFailure ? OdooOutcome.Timeout : OdooOutcome.UpstreamError);
        }
        if (context.Features.Get<IForwarderErrorFeature>() is { } error)
        {
            return new ResponseOutcome(error.Error switch
            {
                ForwarderError.RequestTimedOut => OdooOutcome.Timeout,
                ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient
                    or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient
                    or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeRequestClient
                    or ForwarderError.UpgradeResponseCanceled or ForwarderError.UpgradeResponseClient => OdooOutcome.ClientAbort,
                _ => OdooOutcome.UpstreamError,
            });
        }
        if (context.RequestAborted.IsCancellationRequested) return new ResponseOutcome(OdooOutcome.ClientAbort);
        if (record.DetectedOutcome is { } detected) return detected;
        // Nothing peeked at (a refusal by the proxy, a non-JSON response): the status decides.
        return ResponseOutcomeDetector.Detect(context.Response.StatusCode, default, default, default, isCompleteBody: false);
    }
}
