using System.Net;
using OdooLatencyProxy.Forwarding;
using OdooLatencyProxy.Odoo.Classification;

namespace OdooLatencyProxy.RequestPath;

/// <summary>A streamed response, as YARP's forwarder reads it, judged by <see cref="OutcomePeekingStream"/> as it passes.</summary>
internal sealed class OutcomePeekingContent(HttpContent inner, int status, ProxyExchange exchange) : HttpContent
{
    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new OutcomePeekingStream(await inner.ReadAsStreamAsync(cancellationToken), status, inner.Headers.ContentType?.ToString(), ResponseBuffering.Encoding(inner), exchange);

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var source = await CreateContentReadStreamAsync(cancellationToken);
        await source.CopyToAsync(stream, cancellationToken);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>
/// A streamed response body that keeps a copy of its first bytes as they pass, and judges the outcome
/// (JSON-RPC error, XML-RPC fault) from them; never buffers more than the detector needs.
/// </summary>
internal sealed class OutcomePeekingStream(Stream source, int status, string? contentType, string encoding, ProxyExchange exchange) : ReadOnlyStream
{
    private readonly byte[] _prefix = new byte[ResponseOutcomeDetector.DefaultPrefixBytes];
    private int _length;
    private bool _judged;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await source.ReadAsync(buffer, cancellationToken);
        // YARP first reads zero bytes to wait for data: only an empty result for a real buffer is the end.
        if (read > 0 || !buffer.IsEmpty) Saw(buffer.Span[..read], ended: read == 0);
        return read;
    }

    private void Saw(ReadOnlySpan<byte> data, bool ended)
    {
        if (_judged) return;
        var take = Math.Min(data.Length, _prefix.Length - _length);
        data[..take].CopyTo(_prefix.AsSpan(_length));
        _length += take;
        if (!ended && _length < _prefix.Length) return;
        _judged = true;
        exchange.DetectedOutcome = ResponseOutcomeDetector.Detect(status, contentType, encoding, _prefix.AsSpan(0, _length), isCompleteBody: ended);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) source.Dispose();
        base.Dispose(disposing);
    }
}
