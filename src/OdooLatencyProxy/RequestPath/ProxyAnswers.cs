namespace OdooLatencyProxy.RequestPath;

/// <summary>The short plain-text answers the proxy gives itself (400, 403, 413, 502, 503), never with Odoo's headers.</summary>
internal static class ProxyAnswers
{
    /// <summary>Answers <paramref name="status"/> with <paramref name="text"/>; <paramref name="closeConnection"/> when the rest of the client's bytes cannot be trusted.</summary>
    public static async Task TextAsync(HttpContext context, int status, string text, int? retryAfterSeconds = null, bool closeConnection = false)
    {
        if (context.Response.HasStarted) return;
        context.Response.Clear();
        context.Response.StatusCode = status;
        if (retryAfterSeconds is { } retryAfter) context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (closeConnection) context.Response.Headers.Connection = "close";
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(text, context.RequestAborted);
    }
}
