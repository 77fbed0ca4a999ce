using System.Buffers;
using System.Net;
using OdooLatencyProxy.Configuration;
using OdooLatencyProxy.Forwarding;
using OdooLatencyProxy.Odoo.Classification;
using Yarp.ReverseProxy.Transforms;

namespace OdooLatencyProxy.RequestPath;

/// <summary>
/// The forward stage's response side, for both forwarders (<see cref="WorkerForwarder"/>, and YARP's as a response
/// transform): drains Odoo's response at upstream speed (memory, then a temp file), judges its first bytes, and ends the
/// upstream call (<see cref="ProxyExchange.EndUpstream"/>) before the client has read a byte, like nginx's
/// proxy_buffering: a slow client never holds an Odoo prefork worker. Responses larger than the temp-file cap stream
/// through, holding the worker while they do.
/// </summary>
internal sealed partial class ResponseBuffering(ProxyOptions options, TimeProvider time, ILogger<ResponseBuffering> logger)
{
    private const int ChunkSize = 64 * 1024;

    // Resolved once: Path.GetTempPath reads the environment on every call.
    private readonly string _tempDirectory = options.EffectiveTempDirectory;

    /// <summary>Whether a response of <paramref name="contentLength"/> bytes (null: unknown) is drained before the client gets it.</summary>
    public bool Buffers(long? contentLength) =>
        options.ResponseBuffering && options.MaxResponseBufferBytes > 0 && !(contentLength > options.MaxResponseBufferBytes);

    /// <summary>The response transform for the destinations YARP's forwarder serves (<see cref="WorkerForwarder"/> drains its own).</summary>
    public async ValueTask ApplyAsync(ResponseTransformContext context)
    {
        var exchange = context.HttpContext.Features.Get<ProxyExchange>();
        var response = context.ProxyResponse;
        if (exchange is null || response is null || response.StatusCode == HttpStatusCode.SwitchingProtocols) return;
        var upstream = response.Content;
        if (!Buffers(upstream.Headers.ContentLength))
        {
            // Streams, holding the worker until the stream ends; the outcome is judged on the bytes as they pass.
            if (ResponseOutcomeDetector.ShouldInspectBody((int)response.StatusCode, upstream.Headers.ContentType?.ToString()))
            {
                response.Content = new OutcomePeekingContent(upstream, (int)response.StatusCode, exchange);
            }
            return;
        }

        // Opening the stream reads nothing (the head is read already); a failure would be YARP's 502 for a broken head.
        var body = await upstream.ReadAsStreamAsync(context.CancellationToken);
        using var inactivity = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        var drained = await DrainAsync(context.HttpContext, exchange, body, upstream, (int)response.StatusCode,
            upstream.Headers.ContentType?.ToString(), Encoding(upstream), inactivity, context.CancellationToken);
        if (drained is not { } result)
        {
            // Headers have not reached the client yet, so a clean 502/504 replaces the broken response.
            var http = context.HttpContext.Response;
            http.Clear();
            http.StatusCode = FailureStatus(exchange);
            http.ContentType = "text/plain; charset=utf-8";
            response.Content = new StringContent(FailureText(exchange));
            return;
        }
        response.Content = new BufferedContent(result.Buffer, result.Remainder, upstream);
    }

    /// <summary>
    /// Reads <paramref name="body"/> into a buffer freed with the exchange, up to the cap; judges the outcome on its first
    /// bytes; each read is bounded by the timeout, armed on <paramref name="inactivity"/> (linked to
    /// <paramref name="cancellationToken"/>). When it was read whole, <paramref name="upstream"/> is disposed (the connection closed) and the worker given
    /// back; otherwise <c>Remainder</c> is the body still to stream. Null when reading failed: the worker is given back, the
    /// failure is on the exchange, and the client is owed <see cref="FailureStatus"/> with <see cref="FailureText"/>.
    /// </summary>
    public async ValueTask<(SpillBuffer Buffer, Stream? Remainder)?> DrainAsync(HttpContext http, ProxyExchange exchange, Stream body, IDisposable upstream,
        int status, string? contentType, string encoding, CancellationTokenSource inactivity, CancellationToken cancellationToken)
    {
        // At least the bytes that decide the outcome stay in memory.
        var buffer = new SpillBuffer(Math.Max(options.BufferMemoryBytes, ResponseOutcomeDetector.DefaultPrefixBytes), _tempDirectory);
        // Freed when the exchange ends, whoever else holds it: pooled memory back, temp file deleted.
        http.Response.RegisterForDispose(buffer);
        Stream? rest = null;
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            long total = 0;
            while (true)
            {
                inactivity.CancelAfter(options.Timeout);
                var read = await body.ReadAsync(chunk.AsMemory(0, ChunkSize), inactivity.Token);
                if (read == 0) break;
                await buffer.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
                total += read;
                if (total > options.MaxResponseBufferBytes)
                {
                    rest = body; // Over the cap: send what we have, then stream the remainder.
                    break;
                }
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
        {
            buffer.Dispose();
            upstream.Dispose();
            var timedOut = e is OperationCanceledException && !http.RequestAborted.IsCancellationRequested;
            exchange.UpstreamFailure = timedOut ? ProxyExchange.TimeoutFailure : "response body interrupted";
            exchange.EndUpstream(time.GetTimestamp());
            LogDrainFailed(logger, timedOut ? "timed out" : e.GetType().Name);
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        exchange.DetectedOutcome = ResponseOutcomeDetector.Detect(status, contentType, encoding,
            buffer.Prefix(ResponseOutcomeDetector.DefaultPrefixBytes), isCompleteBody: rest is null && buffer.Length <= ResponseOutcomeDetector.DefaultPrefixBytes);
        if (rest is null)
        {
            upstream.Dispose();
            exchange.EndUpstream(time.GetTimestamp());
        }
        return (buffer, rest);
    }

    /// <summary>What the client gets when Odoo's body broke off while it was drained: 504 after a timeout, else 502.</summary>
    public static int FailureStatus(ProxyExchange exchange) =>
        exchange.UpstreamFailure == ProxyExchange.TimeoutFailure ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway;

    public static string FailureText(ProxyExchange exchange) => $"Odoo did not answer: {exchange.UpstreamFailure}.\n";

    internal static string Encoding(HttpContent content) => content.Headers.ContentEncoding.Count == 0 ? string.Empty : string.Join(",", content.Headers.ContentEncoding);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Reading Odoo's response failed: {Reason}")]
    private static partial void LogDrainFailed(ILogger logger, string reason);

    /// <summary>The drained response: the buffer, then whatever was left to stream. YARP reads it as a stream.</summary>
    private sealed class BufferedContent(SpillBuffer buffer, Stream? rest, HttpContent upstream) : HttpContent
    {
        // Without this override HttpContent would load the whole body into one MemoryStream.
        protected override Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
            Task.FromResult(buffer.OpenReplay(rest));

        protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await using var replay = buffer.OpenReplay(rest);
            await replay.CopyToAsync(stream, ChunkSize, cancellationToken);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = buffer.Length;
            return rest is null;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                buffer.Dispose(); // Returns pooled memory, deletes the temp file.
                if (rest is not null) upstream.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
