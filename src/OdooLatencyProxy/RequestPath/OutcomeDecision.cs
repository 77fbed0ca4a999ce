using OdooLatencyProxy.Admission;
using OdooLatencyProxy.Odoo.Classification;
using Yarp.ReverseProxy.Forwarder;

namespace OdooLatencyProxy.RequestPath;

/// <summary>The judge stage: the final outcome of an exchange. What the proxy saw (rejection, abort, transport failure) beats what Odoo said.</summary>
internal static class OutcomeDecision
{
    public static ResponseOutcome Decide(HttpContext context, ProxyExchange exchange)
    {
        switch (exchange.Rejection)
        {
            case AdmissionRejection.QueueFull or AdmissionRejection.QueueTimeout:
                return new ResponseOutcome(OdooOutcome.Rejected);
            case AdmissionRejection.ClientAborted:
                return new ResponseOutcome(OdooOutcome.ClientAbort);
        }
        if (exchange.UpstreamFailure is { } failure)
        {
            return new ResponseOutcome(failure == ProxyExchange.TimeoutFailure ? OdooOutcome.Timeout : OdooOutcome.UpstreamError);
        }
        // A websocket has no complete response: once upgraded, the client leaving is how it ends (a closed tab drops the
        // connection right after its close frame), not an abort. Odoo's side failing or timing out still counts.
        var upgraded = context.Response.StatusCode == StatusCodes.Status101SwitchingProtocols;
        if (context.Features.Get<IForwarderErrorFeature>() is { } error)
        {
            // A body YARP could not read from a client still there (malformed chunks) got YARP's 400: the client's error.
            var clientError = error.Error == ForwarderError.RequestBodyClient && !context.RequestAborted.IsCancellationRequested
                && context.Response.StatusCode == StatusCodes.Status400BadRequest;
            if (clientError) return new ResponseOutcome(OdooOutcome.ClientError);
            var outcome = UpstreamErrors.Outcome(error.Error);
            return new ResponseOutcome(upgraded && outcome == OdooOutcome.ClientAbort ? OdooOutcome.Ok : outcome);
        }
        if (exchange.ClientLeft || context.RequestAborted.IsCancellationRequested) return new ResponseOutcome(upgraded ? OdooOutcome.Ok : OdooOutcome.ClientAbort);
        if (exchange.DetectedOutcome is { } detected) return detected;
        // Nothing peeked at (a refusal by the proxy, a non-JSON response): the status decides.
        return ResponseOutcomeDetector.Detect(context.Response.StatusCode, default, default, default, isCompleteBody: false);
    }
}
