namespace OdooLatencyProxy.Hosting;

/// <summary>
/// Caps the framework log categories that write full URLs (query strings carry <c>access_token</c>, <c>db</c>,
/// <c>job_uuid</c>...) at Warning, whatever <c>Logging:LogLevel</c> says for broader categories.
/// The proxy's own request line shows the path only.
/// </summary>
internal static class SafeLogging
{
    private static readonly string[] UrlLoggingCategories =
    [
        "Microsoft.AspNetCore.Hosting.Diagnostics", // "Request starting POST http://...?query"
        "Microsoft.AspNetCore.Routing",             // matched endpoints with the request path and query
        "Yarp.ReverseProxy.Forwarder",              // "Proxying to http://odoo/...?query"
        "System.Net.Http.HttpClient",               // outgoing request URIs
    ];

    public static ILoggingBuilder AddSecretSafeFilters(this ILoggingBuilder logging)
    {
        // A more specific category rule wins over the configuration's broader ones.
        foreach (var category in UrlLoggingCategories) logging.AddFilter(category, LogLevel.Warning);
        return logging;
    }
}
