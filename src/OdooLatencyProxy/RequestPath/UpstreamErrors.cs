using OdooLatencyProxy.Odoo.Classification;
using Yarp.ReverseProxy.Forwarder;

namespace OdooLatencyProxy.RequestPath;

/// <summary>YARP's forwarding errors, each mapped once to the outcome it records and the reason the client and the log are given.</summary>
internal static class UpstreamErrors
{
    /// <summary>The outcome a forwarding error records: a timeout, the client leaving, or Odoo failing.</summary>
    public static OdooOutcome Outcome(ForwarderError error) => error switch
    {
        ForwarderError.RequestTimedOut => OdooOutcome.Timeout,
        _ when IsClientGone(error) => OdooOutcome.ClientAbort,
        _ => OdooOutcome.UpstreamError,
    };

    /// <summary>Why Odoo did not answer, in words for the 502 text and the warning; <paramref name="exception"/> is YARP's, when it kept one.</summary>
    public static string Reason(ForwarderError error, Exception? exception = null) => error switch
    {
        // YARP reports every failure of the send as Request, also those after the connection was made and Odoo answered.
        ForwarderError.Request => HttpError(exception) switch
        {
            HttpRequestError.InvalidResponse => "its answer was not HTTP",
            HttpRequestError.ResponseEnded => "the connection closed before a complete response",
            _ => "could not connect or send the request",
        },
        ForwarderError.RequestTimedOut => "timed out",
        ForwarderError.ResponseHeaders => "the connection closed before a response",
        ForwarderError.NoAvailableDestinations => "no destination available",
        _ when IsClientGone(error) => "the client went away",
        _ => error.ToString(),
    };

    private static HttpRequestError? HttpError(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException http) return http.HttpRequestError;
        }
        return null;
    }

    private static bool IsClientGone(ForwarderError error) => error
        is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient
        or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient
        or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeRequestClient
        or ForwarderError.UpgradeResponseCanceled or ForwarderError.UpgradeResponseClient;
}
