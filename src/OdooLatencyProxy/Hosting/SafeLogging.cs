namespace OdooLatencyProxy.Hosting;

/// <summary>
/// Caps the framework log categories that write full URLs (query strings carry <c>access_token</c>, <c>db</c>,
/// <c>job_uuid</c>...) at Warning, whatever <c>Logging:LogLevel</c> says for broader categories, and turns the hosting
/// layer's request lines off altogether (see <see cref="HostingDiagnostics"/>). The proxy's own request line shows the
/// path only.
/// </summary>
internal static class SafeLogging
{
    private static readonly string[] UrlLoggingCategories =
    [
        "Microsoft.AspNetCore.Routing",             // matched endpoints with the request path and query
        "Yarp.ReverseProxy.Forwarder",              // "Proxying to http://odoo/...?query"
        "System.Net.Http.HttpClient",               // outgoing request URIs
    ];

    // Logs only "Request starting POST http://...?query" and "Request finished", at Information. Off altogether: while
    // it can log, ASP.NET Core's hosting layer gives every request an Activity and a logging scope (1–2 % of the CPU and
    // 700 bytes per request) that nothing reads; the proxy writes its own trace context (Forwarding/TraceContext).
    private const string HostingDiagnostics = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static ILoggingBuilder AddSecretSafeFilters(this ILoggingBuilder logging)
    {
        // A more specific category rule wins over the configuration's broader ones.
        foreach (var category in UrlLoggingCategories) logging.AddFilter(category, LogLevel.Warning);
        logging.AddFilter(HostingDiagnostics, LogLevel.None);
        return logging;
    }
}
