using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OdooSimulator.Http;

namespace OdooSimulator.Routing;

/// <summary>Builders for the response shapes seen in the captures; header order follows Werkzeug's.</summary>
internal static class Responses
{
    public const string JsonContentType = "application/json; charset=utf-8";
    public const string HtmlContentType = "text/html; charset=utf-8";

    private const string WerkzeugInternalServerError =
        "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n" +
        "<p>The server encountered an internal error and was unable to complete your request. " +
        "Either the server is overloaded or there is an error in the application.</p>\n";

    private static readonly KeyValuePair<string, string> NoSniff = new("X-Content-Type-Options", "nosniff");

    /// <summary>A JSON-RPC or JSON route answer. Odoo adds nosniff to successes but not to errors (captures 20 vs 121).</summary>
    public static SimResponse Json(JsonNode? payload, bool noSniff = true, int status = 200, IEnumerable<KeyValuePair<string, string>>? extra = null)
    {
        var body = PythonJson.SerializeToUtf8(payload);
        var headers = new List<KeyValuePair<string, string>>
        {
            new("Content-Length", Length(body.Length)),
            new("Content-Type", JsonContentType),
        };
        headers.AddRange(extra ?? []);
        if (noSniff)
        {
            headers.Add(NoSniff);
        }

        return new SimResponse(status, headers, body);
    }

    public static SimResponse JsonRpcResult(JsonNode? id, JsonNode? result, IEnumerable<KeyValuePair<string, string>>? extra = null) =>
        Json(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id?.DeepClone(), ["result"] = result }, extra: extra);

    public static SimResponse JsonRpcError(JsonObject envelope) => Json(envelope, noSniff: false);

    /// <summary>Plain JSON of the non-RPC JSON routes (<c>/web/health</c>, load_menus, translations).</summary>
    public static SimResponse PlainJson(string json, string cacheControl)
    {
        var body = Encoding.UTF8.GetBytes(json);
        return new SimResponse(200,
        [
            new("Content-Type", "application/json"),
            new("Cache-Control", cacheControl),
            new("Content-Length", Length(body.Length)),
            NoSniff,
        ], body);
    }

    public static SimResponse Html(int status, string html, string contentType = HtmlContentType, IEnumerable<KeyValuePair<string, string>>? before = null, IEnumerable<KeyValuePair<string, string>>? after = null)
    {
        var body = Encoding.UTF8.GetBytes(html);
        var headers = new List<KeyValuePair<string, string>> { new("Content-Type", contentType) };
        headers.AddRange(before ?? []);
        headers.Add(new("Content-Length", Length(body.Length)));
        headers.AddRange(after ?? []);
        headers.Add(NoSniff);
        return new SimResponse(status, headers, body);
    }

    /// <summary>Werkzeug's redirect page (303 SEE OTHER), as in captures 1, 2 and 11.</summary>
    public static SimResponse Redirect(string location, IEnumerable<string>? setCookies = null)
    {
        var escaped = WebUtility.HtmlEncode(location);
        var html = "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n" +
            $"<p>You should be redirected automatically to the target URL: <a href=\"{escaped}\">{escaped}</a>. If not, click the link.\n";
        var body = Encoding.UTF8.GetBytes(html);
        var headers = new List<KeyValuePair<string, string>>
        {
            new("Content-Type", HtmlContentType),
            new("Content-Length", Length(body.Length)),
            new("Location", location),
        };
        headers.AddRange((setCookies ?? []).Select(c => new KeyValuePair<string, string>("Set-Cookie", c)));
        headers.Add(NoSniff);
        return new SimResponse(303, headers, body);
    }

    /// <summary>Werkzeug's bare 500 page: what an unhandled exception (or <c>/websocket</c> on a worker) gives.</summary>
    public static SimResponse InternalServerError()
    {
        var body = Encoding.UTF8.GetBytes(WerkzeugInternalServerError);
        return new SimResponse(500, [new("Content-Type", HtmlContentType), new("Content-Length", Length(body.Length))], body);
    }

    /// <summary>Python http.server's send_error page, used before Werkzeug ever sees the request (malformed input).</summary>
    public static SimResponse SendError(int status, string message)
    {
        var (shortMessage, explain) = status switch
        {
            413 => ("Request Entity Too Large", "Content too large."),
            431 => ("Request Header Fields Too Large", "The server is unwilling to process the request because its header fields are too large."),
            501 => ("Not Implemented", "Server does not support this operation."),
            _ => ("Bad Request", "Bad request syntax or unsupported method."),
        };
        var html = "<!DOCTYPE HTML>\n<html lang=\"en\">\n    <head>\n        <meta charset=\"utf-8\">\n        <title>Error response</title>\n    </head>\n" +
            $"    <body>\n        <h1>Error response</h1>\n        <p>Error code: {status}</p>\n        <p>Message: {WebUtility.HtmlEncode(message)}.</p>\n" +
            $"        <p>Error code explanation: {status} - {explain}</p>\n    </body>\n</html>\n";
        var body = Encoding.UTF8.GetBytes(html);
        return new SimResponse(status, [new("Content-Type", "text/html;charset=utf-8"), new("Content-Length", Length(body.Length))], body)
        {
            ReasonOverride = status == 400 ? message : shortMessage,
        };
    }

    /// <summary>A body of <paramref name="length"/> pattern bytes (byte i = i mod 251), streamed.</summary>
    public static SimResponse Pattern(long length) => new(200,
    [
        new("Content-Type", "application/octet-stream"),
        new("Content-Length", length.ToString(CultureInfo.InvariantCulture)),
        NoSniff,
    ], ReadOnlyMemory<byte>.Empty)
    {
        PatternLength = length,
    };

    public static string SessionCookie(string sessionId, DateTimeOffset now) =>
        $"session_id={sessionId}; Expires={now.AddYears(1).UtcDateTime.ToString("r", CultureInfo.InvariantCulture)}; Max-Age=604800; HttpOnly; Path=/";

    public static string Length(long length) => length.ToString(CultureInfo.InvariantCulture);
}
