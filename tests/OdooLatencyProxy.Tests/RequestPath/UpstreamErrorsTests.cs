using OdooLatencyProxy.Odoo.Classification;
using OdooLatencyProxy.RequestPath;
using Yarp.ReverseProxy.Forwarder;

namespace OdooLatencyProxy.Tests.RequestPath;

public sealed class UpstreamErrorsTests
{
    public static TheoryData<ForwarderError> AllErrors => [.. Enum.GetValues<ForwarderError>()];

    [Theory]
    [MemberData(nameof(AllErrors))]
    public void EveryForwarderError_HasOneOutcome_AndTheReasonSaysTheSame(ForwarderError error)
    {
        var outcome = UpstreamErrors.Outcome(error);
        var reason = UpstreamErrors.Reason(error);

        // The client leaving is recorded as client_abort and told as such, the websocket upgrade's errors included.
        Assert.Equal(outcome == OdooOutcome.ClientAbort, reason == "the client went away");
        Assert.Equal(outcome == OdooOutcome.Timeout, reason == "timed out");
        Assert.Contains(outcome, new[] { OdooOutcome.ClientAbort, OdooOutcome.Timeout, OdooOutcome.UpstreamError });
    }

    [Theory]
    [InlineData(ForwarderError.UpgradeRequestClient)]
    [InlineData(ForwarderError.UpgradeResponseCanceled)]
    [InlineData(ForwarderError.ResponseBodyClient)]
    public void ClientSideErrors_AreClientAborts(ForwarderError error)
    {
        Assert.Equal(OdooOutcome.ClientAbort, UpstreamErrors.Outcome(error));
        Assert.Equal("the client went away", UpstreamErrors.Reason(error));
    }

    [Theory]
    [InlineData(ForwarderError.Request, "could not connect or send the request")]
    [InlineData(ForwarderError.ResponseHeaders, "the connection closed before a response")]
    [InlineData(ForwarderError.UpgradeActivityTimeout, "UpgradeActivityTimeout")]
    public void UpstreamSideErrors_AreUpstreamErrors_WithTheirReason(ForwarderError error, string reason)
    {
        Assert.Equal(OdooOutcome.UpstreamError, UpstreamErrors.Outcome(error));
        Assert.Equal(reason, UpstreamErrors.Reason(error));
    }

    [Theory]
    [InlineData(HttpRequestError.InvalidResponse, "its answer was not HTTP")]
    [InlineData(HttpRequestError.ResponseEnded, "the connection closed before a complete response")]
    [InlineData(HttpRequestError.ConnectionError, "could not connect or send the request")]
    public void RequestErrors_AreToldApartByWhatHttpClientSaw(HttpRequestError seen, string reason)
    {
        var exception = new HttpRequestException(seen, "from SocketsHttpHandler");

        Assert.Equal(reason, UpstreamErrors.Reason(ForwarderError.Request, exception));
        Assert.Equal(OdooOutcome.UpstreamError, UpstreamErrors.Outcome(ForwarderError.Request));
    }
}
