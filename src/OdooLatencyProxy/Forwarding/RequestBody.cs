using System.Globalization;

namespace OdooLatencyProxy.Forwarding;

/// <summary>
/// The request body on its way to Odoo (the stream YARP's request content is copied to): appended behind the head while
/// it fits the exchange's buffer, so a small body leaves with its head in one write; framed by its Content-Length
/// (never more or fewer bytes than announced) or chunked when the length is unknown.
/// </summary>
internal sealed class RequestBody(UpstreamExchange output, long length) : Stream
{
    private long _written;

    private bool IsChunked => length == RequestHead.Chunked;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        if (data.IsEmpty) return;
        _written += data.Length;
        if (!IsChunked && _written > length)
        {
            throw new HttpRequestException(HttpRequestError.Unknown, $"The request body is longer than its Content-Length ({length}).");
        }

        if (IsChunked)
        {
            var size = data.Length.ToString("X", CultureInfo.InvariantCulture) + "\r\n";
            System.Text.Encoding.ASCII.GetBytes(size, output.GetSpan(size.Length));
            output.Advance(size.Length);
        }
        if (data.Length <= output.Room)
        {
            output.Append(data.Span);
        }
        else
        {
            await output.FlushAsync(cancellationToken, data);
        }
        if (IsChunked) output.Append("\r\n"u8);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    /// <summary>
    /// Sends what is buffered: YARP flushes when its source has nothing more for now (a streamed body). Its first flush,
    /// before any body byte, only asks for the head to go early; the head waits for the body instead, so a small request
    /// is one write and Odoo's worker wakes once for it.
    /// </summary>
    public override Task FlushAsync(CancellationToken cancellationToken) =>
        _written == 0 ? Task.CompletedTask : output.FlushAsync(cancellationToken).AsTask();

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Ends the body (the last chunk, or a check that the announced length was sent) and sends what is buffered.</summary>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        if (IsChunked) output.Append("0\r\n\r\n"u8);
        else if (_written != length)
        {
            throw new HttpRequestException(HttpRequestError.Unknown, $"The request body ended after {_written} of its {length} bytes.");
        }
        await output.FlushAsync(cancellationToken);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
