namespace OdooLatencyProxy.Telemetry;

/// <summary>Receives every proxied request once, when it completes (including rejections, aborts and failures).</summary>
public interface IRequestRecorder
{
    /// <summary>Records one finished request. Must be fast and must not throw: it runs on the request path.</summary>
    void Record(HttpContext context, RequestRecord record);

    /// <summary>The request arrived and has its route name; <see cref="Record"/> follows, always.</summary>
    void Started(HttpContext context, RequestRecord record)
    {
    }

    /// <summary>The request took a worker (<see cref="RequestRecord.Lease"/> is set); the lease tells when it gives it back.</summary>
    void Admitted(HttpContext context, RequestRecord record)
    {
    }
}
