using System.Buffers;
using OdooLatencyProxy.Forwarding;
using OdooLatencyProxy.Odoo.Classification;

namespace OdooLatencyProxy.RequestPath;

/// <summary>
/// The name stage: names each request from method and path, then, where the path is not enough,
/// from a bounded peek at the body, which Odoo then receives byte for byte.
/// </summary>
internal sealed class RequestNaming(RequestClassifier classifier)
{
    /// <summary>From the request line, before anything is read: no allocation.</summary>
    public RouteClassification NameFromRoute(HttpContext context, ProxyExchange exchange)
    {
        var request = context.Request;
        var route = classifier.ClassifyRoute(request.Method, request.Path.Value ?? "/", request.Headers.UserAgent.ToString());
        exchange.Operation = route.Operation;
        return route;
    }

    /// <summary>From the body, once buffered: reads at most the peek limit from the body and leaves the body as it was for forwarding.</summary>
    public async ValueTask NameFromBodyAsync(HttpContext context, RouteClassification route, ProxyExchange exchange)
    {
        if (!route.NeedsBody) return;
        var request = context.Request;
        var limit = classifier.BodyPeekLimitBytes;
        // A body known to be longer than the limit keeps its path-only name without being read.
        if (request.ContentLength is > 0 and var length && length > limit) return;

        var peek = ArrayPool<byte>.Shared.Rent(limit + 1);
        try
        {
            var body = request.Body;
            var read = 0;
            while (read <= limit)
            {
                var n = await body.ReadAsync(peek.AsMemory(read, limit + 1 - read), context.RequestAborted);
                if (n == 0) break;
                read += n;
            }
            if (body.CanSeek) body.Position = 0;
            else request.Body = new PrefixReplayStream(peek.AsSpan(0, read).ToArray(), body);

            var whole = read <= limit ? read : long.MaxValue;
            exchange.Operation = classifier.ClassifyBody(route, request.Method, request.Path.Value ?? "/",
                peek.AsSpan(0, Math.Min(read, limit)), whole, request.Headers.ContentEncoding.ToString());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(peek);
        }
    }

    /// <summary>Replays the peeked bytes, then the rest of the body; used only when request buffering is off.</summary>
    private sealed class PrefixReplayStream(byte[] prefix, Stream rest) : ReadOnlyStream
    {
        private int _position;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position < prefix.Length)
            {
                var count = Math.Min(buffer.Length, prefix.Length - _position);
                prefix.AsSpan(_position, count).CopyTo(buffer.Span);
                _position += count;
                return count;
            }
            return await rest.ReadAsync(buffer, cancellationToken);
        }
    }
}
