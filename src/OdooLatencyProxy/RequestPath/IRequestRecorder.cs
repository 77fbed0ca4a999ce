namespace OdooLatencyProxy.RequestPath;

/// <summary>Reads every proxied exchange once, when it completes (including rejections, aborts and failures).</summary>
public interface IRequestRecorder
{
    /// <summary>Records one finished exchange. Must be fast and must not throw: it runs on the request path.</summary>
    void Record(HttpContext context, ProxyExchange exchange);

    /// <summary>The request arrived and has its route name; <see cref="Record"/> follows, always.</summary>
    void Started(HttpContext context, ProxyExchange exchange)
    {
    }
}
