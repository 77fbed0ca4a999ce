using Microsoft.Net.Http.Headers;

namespace OdooLatencyProxy.RequestPath;

/// <summary>
/// The framing check: refuses with 400, and closes the connection, a request whose body length two HTTP parsers could
/// read differently (RFC 9112 §6.3; nginx does the same), before anything is read or a worker taken, so Odoo's werkzeug
/// never has to decide. Kestrel already refuses a last coding other than chunked and conflicting Content-Lengths.
/// Only requests with a Transfer-Encoding are looked at: the common request costs one header lookup.
/// </summary>
internal sealed partial class RequestFraming(ILogger<RequestFraming> logger)
{
    // Kestrel lets Transfer-Encoding win over a Content-Length and keeps the latter under this name.
    private const string MovedContentLength = "X-Content-Length";

    /// <summary>True when the framing is unambiguous; otherwise answers 400 and returns false.</summary>
    public async ValueTask<bool> CheckAsync(HttpContext context)
    {
        if (Problem(context.Request) is not { } problem) return true;
        LogRefused(logger, problem);
        await ProxyAnswers.TextAsync(context, StatusCodes.Status400BadRequest, "Malformed request framing.\n", closeConnection: true);
        return false;
    }

    /// <summary>What makes the request's body length ambiguous, or null.</summary>
    internal static string? Problem(HttpRequest request)
    {
        var headers = request.Headers;
        var transferEncoding = headers.TransferEncoding;
        if (transferEncoding.Count > 0)
        {
            if (headers.ContainsKey(HeaderNames.ContentLength) || headers.ContainsKey(MovedContentLength)) return "Content-Length with Transfer-Encoding";
            if (transferEncoding.Count > 1 || !string.Equals(transferEncoding[0]?.Trim(), "chunked", StringComparison.OrdinalIgnoreCase))
            {
                return "Transfer-Encoding other than chunked";
            }
            if (HttpProtocol.IsHttp10(request.Protocol)) return "chunked body in HTTP/1.0";
        }
        // Content-Length alone needs no check here: Kestrel refuses conflicting or non-numeric values and hands on only
        // the parsed number (a "+5" arrives as 5, so Odoo receives a plain length).
        return null;
    }

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Request refused before forwarding: 400 {Problem}")]
    private static partial void LogRefused(ILogger logger, string problem);
}
