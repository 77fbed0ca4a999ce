using System.Globalization;
using System.Net;

namespace OdooLatencyProxy.Forwarding;

/// <summary>
/// The body of Odoo's answer as YARP reads it: exactly Content-Length bytes, the decoded chunks of a chunked body
/// (trailers read and dropped), or everything until Odoo closes. A body that ends early fails with
/// <see cref="HttpRequestError.ResponseEnded"/>, a malformed chunk with <see cref="HttpRequestError.InvalidResponse"/>,
/// as SocketsHttpHandler's do. Disposing the content closes the connection.
/// </summary>
internal sealed class UpstreamBody(UpstreamExchange exchange, Stream body) : HttpContent
{
    public enum Framing
    {
        None,
        Length,
        Chunked,
        UntilClose,
    }

    private const int MaxChunkLine = 4 * 1024;

    /// <summary>The body as a stream of its own (<see cref="RequestPath.WorkerForwarder"/> copies it to the client without a message).</summary>
    public static Stream Open(UpstreamExchange exchange, Framing framing, long contentLength) => new BodyStream(exchange, framing, contentLength);

    private Stream Body => body;

    protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult(Body);

    protected override Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) => Task.FromResult(Body);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        Body.CopyToAsync(stream, cancellationToken);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    // The length is Odoo's Content-Length header (set from the head) or unknown, as SocketsHttpHandler's content says:
    // a computed 0 for a 204 would be copied to the client as a header Odoo never sent.
    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) exchange.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Disposing it closes the connection, as disposing the content does.</summary>
    private sealed class BodyStream(UpstreamExchange exchange, Framing framing, long remaining) : ReadOnlyStream
    {
        private bool _chunkEnded = true; // before the first chunk, as after one: a size line comes next
        private bool _done = framing == Framing.None || framing == Framing.Length && remaining == 0;

        public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
        {
            if (_done || destination.IsEmpty) return 0;
            switch (framing)
            {
                case Framing.UntilClose:
                {
                    var read = await exchange.ReadAsync(destination, cancellationToken);
                    _done = read == 0;
                    return read;
                }
                case Framing.Length:
                {
                    var read = await exchange.ReadAsync(destination[..(int)Math.Min(destination.Length, remaining)], cancellationToken);
                    if (read == 0) throw Ended($"{remaining} bytes of its Content-Length missing");
                    remaining -= read;
                    _done = remaining == 0;
                    return read;
                }
                default:
                    return await ReadChunkedAsync(destination, cancellationToken);
            }
        }

        private async ValueTask<int> ReadChunkedAsync(Memory<byte> destination, CancellationToken cancellationToken)
        {
            if (remaining == 0)
            {
                if (!_chunkEnded)
                {
                    var end = await exchange.ReadLineAsync(2, cancellationToken) ?? throw Ended("the chunked body stopped after a chunk");
                    if (end.Length > 0) throw new HttpIOException(HttpRequestError.InvalidResponse, "A chunk was longer than its size.");
                }
                var sizeLine = await exchange.ReadLineAsync(MaxChunkLine, cancellationToken) ?? throw Ended("the chunked body stopped between chunks");
                remaining = ChunkSize(sizeLine);
                _chunkEnded = false;
                if (remaining == 0)
                {
                    // The last chunk: trailer fields (dropped) up to the empty line.
                    while (await exchange.ReadLineAsync(MaxChunkLine, cancellationToken) is { Length: > 0 })
                    {
                    }
                    _done = true;
                    return 0;
                }
            }

            var read = await exchange.ReadAsync(destination[..(int)Math.Min(destination.Length, remaining)], cancellationToken);
            if (read == 0) throw Ended("the chunked body stopped inside a chunk");
            remaining -= read;
            return read;
        }

        /// <summary>Hex digits, optionally followed by extensions after ';' (ignored).</summary>
        internal static long ChunkSize(string line)
        {
            var digits = line.AsSpan();
            var extension = digits.IndexOf(';');
            if (extension >= 0) digits = digits[..extension].TrimEnd(" \t");
            if (digits.Length is 0 or > 15 || !long.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size))
            {
                throw new HttpIOException(HttpRequestError.InvalidResponse, "A chunk size was not a hexadecimal number.");
            }
            return size;
        }

        private static HttpIOException Ended(string detail) => new(HttpRequestError.ResponseEnded, $"The response ended prematurely: {detail}.");

        protected override void Dispose(bool disposing)
        {
            if (disposing) exchange.Dispose();
            base.Dispose(disposing);
        }
    }
}
