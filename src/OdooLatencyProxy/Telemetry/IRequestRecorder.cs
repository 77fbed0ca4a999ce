namespace OdooLatencyProxy.Telemetry;

/// <summary>Receives every proxied request once, when it completes (including rejections, aborts and failures).</summary>
public interface IRequestRecorder
{
    /// <summary>Records one finished request. Must be fast and must not throw: it runs on the request path.</summary>
    void Record(HttpContext context, RequestRecord record);
}
