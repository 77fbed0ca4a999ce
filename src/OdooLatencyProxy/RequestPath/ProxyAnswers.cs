namespace OdooLatencyProxy.RequestPath;

/// <summary>The short plain-text answers the proxy gives itself (413, 400, 502, 503), never with Odoo's headers.</summary>
internal static class ProxyAnswers
{
    public static async Task TextAsync(HttpContext context, int status, string text, int? retryAfterSeconds = null)
    {
        if (context.Response.HasStarted) return;
        context.Response.Clear();
        context.Response.StatusCode = status;
        if (retryAfterSeconds is { } retryAfter) context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(text, context.RequestAborted);
    }
}
