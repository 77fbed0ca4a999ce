using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using OdooLatencyProxy.Configuration;

namespace OdooLatencyProxy.RequestPath;

/// <summary>
/// The buffer stage: reads a request body completely (memory, then a temp file that is always deleted) before a worker is taken,
/// like nginx's proxy_request_buffering: a client trickling an upload never holds an Odoo prefork worker,
/// whose own socket timeout is 2 s.
/// </summary>
internal sealed partial class RequestBuffering(ProxyOptions options, ILogger<RequestBuffering> logger)
{
    // Resolved once: Path.GetTempPath reads the environment on every call.
    private readonly string _tempDirectory = options.EffectiveTempDirectory;

    /// <summary>Largest announced body read straight into one pooled array (smaller than the large object heap's threshold).</summary>
    internal const int SmallBodyBytes = 64 * 1024;

    /// <summary>Buffers the body; returns false when the request was refused or the client left (response already set).</summary>
    public async ValueTask<bool> BufferAsync(HttpContext context, ProxyExchange exchange)
    {
        var request = context.Request;
        if (!options.RequestBuffering || !HasBody(context)) return true;

        Stream buffered;
        try
        {
            buffered = await ReadAsync(context, request);
        }
        catch (BadHttpRequestException e) when (IsEndOfClient(e))
        {
            // The client closed mid-body: Kestrel reports its FIN as a bad request when it reads the end before the
            // connection's abort is signalled (which one comes first varies). Nothing reached Odoo; no answer is read.
            exchange.ClientLeft = true;
            context.Abort();
            return false;
        }
        catch (BadHttpRequestException e)
        {
            // Too large (413) or malformed chunked framing (400): refuse cleanly, Odoo never sees it.
            LogRefused(logger, e.StatusCode, e.Message);
            await ProxyAnswers.TextAsync(context, e.StatusCode, e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? "Request body too large.\n"
                : "Malformed request body.\n");
            return false;
        }
        catch (IOException e) when (!context.RequestAborted.IsCancellationRequested && e is not ConnectionResetException)
        {
            // Kestrel reports a chunk size that overflows as an IOException, not a BadHttpRequestException, while the
            // client is still there: a 400, as YARP answers the same bytes on the gevent routes.
            LogRefused(logger, StatusCodes.Status400BadRequest, e.Message);
            await ProxyAnswers.TextAsync(context, StatusCodes.Status400BadRequest, "Malformed request body.\n", closeConnection: true);
            return false;
        }
        catch (IOException)
        {
            // The client went away mid-upload; nothing reached Odoo.
            exchange.ClientLeft = true;
            context.Abort();
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        buffered.Position = 0;
        request.Body = buffered;
        // Odoo gets a plain Content-Length body, as nginx sends after buffering; the bytes are the client's.
        request.Headers.Remove(HeaderNames.TransferEncoding);
        // The client's 100-continue was answered while buffering; passed on, it would make Odoo's side wait for nothing.
        request.Headers.Remove(HeaderNames.Expect);
        request.ContentLength = buffered.Length;
        exchange.RequestBodyBytes = buffered.Length;
        return true;
    }

    /// <summary>Kestrel's "unexpected end of request content": its reason code is internal, its message is not.</summary>
    private static bool IsEndOfClient(BadHttpRequestException e) =>
        e.StatusCode == StatusCodes.Status400BadRequest && e.Message.StartsWith("Unexpected end of request content", StringComparison.Ordinal);

    // A body whose announced length fits in memory (nearly every JSON-RPC call) goes into one pooled array: no
    // FileBufferingReadStream, paged buffer or temp-file machinery for a few hundred bytes. Kestrel enforces the length
    // (too short: BadHttpRequestException) and the size limit (413), as it does for the general path.
    private async ValueTask<Stream> ReadAsync(HttpContext context, HttpRequest request)
    {
        if (request.ContentLength is { } length && length <= Math.Min(options.BufferMemoryBytes, SmallBodyBytes))
        {
            var small = new PooledBodyStream((int)length);
            context.Response.RegisterForDispose(small);
            await request.Body.ReadExactlyAsync(small.Buffer, context.RequestAborted);
            return small;
        }
        var buffered = new FileBufferingReadStream(request.Body, options.BufferMemoryBytes, options.MaxRequestBodyBytes, _tempDirectory);
        context.Response.RegisterForDisposeAsync(buffered);
        await buffered.DrainAsync(context.RequestAborted);
        return buffered;
    }

    private static bool HasBody(HttpContext context) =>
        context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? context.Request.ContentLength > 0;

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Request refused before forwarding: {Status} {Reason}")]
    private static partial void LogRefused(ILogger logger, int status, string reason);
}
