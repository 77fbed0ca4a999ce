using System.Buffers;
using System.Net;
using System.Text;

namespace OdooLatencyProxy.Forwarding;

/// <summary>
/// One HTTP/1.1 request and its response on a connection of their own (<see cref="PreforkHttpHandler"/>): writes the
/// head and body, reads the response head, and then serves the body (<see cref="UpstreamBody"/>) until the content is
/// disposed, which closes the connection. One pooled buffer carries the request out and the response head in.
/// </summary>
internal sealed class UpstreamExchange(Stream connection) : IDisposable
{
    /// <summary>The largest response head accepted, as SocketsHttpHandler's default (64 KiB).</summary>
    public const int MaxHeadBytes = 64 * 1024;

    /// <summary>A request body that fits this buffer with its head leaves in one write.</summary>
    private const int BufferBytes = 16 * 1024;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
    private int _start;
    private int _end;
    private int _pending; // an I/O on _buffer is in flight: the buffer must not go back to the pool under it
    private int _disposed;

    public async Task SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var length = RequestHead.Write(request, this);
        if (request.Content is not { } content || length is null or 0)
        {
            await FlushAsync(cancellationToken);
            return;
        }

        var body = new RequestBody(this, length.Value);
        await content.CopyToAsync(body, cancellationToken);
        await body.CompleteAsync(cancellationToken);
    }

    /// <summary>Whether the answer said the server would have kept the connection (HTTP/1.1, no <c>Connection: close</c>).</summary>
    public bool ServerKeepsAlive { get; private set; }

    public async Task<HttpResponseMessage> ReceiveAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var (head, body) = await ReceiveHeadAsync(request.Method == HttpMethod.Head, cancellationToken);
        var response = new HttpResponseMessage((HttpStatusCode)head.Status)
        {
            Version = head.Version,
            ReasonPhrase = head.Reason,
            RequestMessage = request,
        };
        var content = new UpstreamBody(this, body);
        head.CopyTo(response, content);
        response.Content = content;
        return response;
    }

    /// <summary>
    /// Reads Odoo's final answer head (interim 1xx ones skipped) and returns it with its body, which reads from this
    /// exchange; <paramref name="headRequest"/>: the request was HEAD, so the answer has no body whatever its head says.
    /// One async method down to the socket's read: each layer between them cost a state machine per request.
    /// </summary>
    public async Task<(ResponseHead Head, Stream Body)> ReceiveHeadAsync(bool headRequest, CancellationToken cancellationToken)
    {
        var searched = _start;
        while (true)
        {
            // Until the buffer holds a whole head, ending in an empty line.
            var end = _buffer.AsSpan(searched, _end - searched).IndexOf("\r\n\r\n"u8);
            if (end < 0)
            {
                if (_end - _start >= MaxHeadBytes) throw Invalid($"its head is over {MaxHeadBytes / 1024} KiB");
                var offset = Math.Max(_start, _end - 3) - _start;
                int read;
                try
                {
                    read = await connection.ReadAsync(BeginFill(), cancellationToken);
                }
                finally
                {
                    Interlocked.Exchange(ref _pending, 0);
                }
                _end += read;
                if (read == 0)
                {
                    throw new HttpRequestException(HttpRequestError.ResponseEnded,
                        _end == _start ? "The connection closed before a response." : "The connection closed in the middle of the response head.");
                }
                searched = _start + offset;
                continue;
            }

            var headLength = searched + end + 4 - _start;
            var head = ResponseHead.Parse(_buffer.AsSpan(_start, headLength));
            _start += headLength;
            searched = _start;
            if (head.Status is >= 100 and < 200)
            {
                if (head.Status == 101) throw Invalid("it switched protocols without being asked to");
                continue; // 100 Continue, 103 Early Hints: the final answer follows
            }

            var noBody = headRequest || head.Status is 204 or 304;
            var framing = noBody ? UpstreamBody.Framing.None
                : head.Chunked ? UpstreamBody.Framing.Chunked
                : head.ContentLength is not null ? UpstreamBody.Framing.Length
                : UpstreamBody.Framing.UntilClose;
            ServerKeepsAlive = head.KeepsAlive;
            return (head, UpstreamBody.Open(this, framing, noBody ? 0 : head.ContentLength ?? 0));
        }
    }

    /// <summary>Reads more of the connection into the buffer (compacting, growing up to the head limit); 0 at the end.</summary>
    internal async ValueTask<int> FillAsync(CancellationToken cancellationToken)
    {
        try
        {
            var read = await connection.ReadAsync(BeginFill(), cancellationToken);
            _end += read;
            return read;
        }
        finally
        {
            Interlocked.Exchange(ref _pending, 0);
        }
    }

    /// <summary>The buffer's free part for a read, after compacting it (and growing it when full); marks the read pending.</summary>
    private Memory<byte> BeginFill()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            (_start, _end) = (0, _end - _start);
        }
        if (_end == _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Min(_buffer.Length * 2, MaxHeadBytes + 4));
            _buffer.AsSpan(0, _end).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        Interlocked.Exchange(ref _pending, 1);
        return _buffer.AsMemory(_end);
    }

    /// <summary>Body bytes: what the buffer still holds after the head first, then straight from the connection.</summary>
    internal async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (_end > _start)
        {
            var count = Math.Min(destination.Length, _end - _start);
            _buffer.AsSpan(_start, count).CopyTo(destination.Span);
            _start += count;
            return count;
        }
        return await connection.ReadAsync(destination, cancellationToken);
    }

    /// <summary>The buffered bytes up to and including the next CRLF (without it), reading more as needed; null at the end.</summary>
    internal async ValueTask<string?> ReadLineAsync(int maxLength, CancellationToken cancellationToken)
    {
        var searched = _start;
        while (true)
        {
            var lf = _buffer.AsSpan(searched, _end - searched).IndexOf((byte)'\n');
            if (lf >= 0)
            {
                var end = searched + lf;
                if (end == _start || _buffer[end - 1] != '\r') throw new HttpIOException(HttpRequestError.InvalidResponse, "A chunked body line did not end in CRLF.");
                var line = Encoding.Latin1.GetString(_buffer, _start, end - 1 - _start);
                _start = end + 1;
                return line;
            }
            if (_end - _start > maxLength) throw new HttpIOException(HttpRequestError.InvalidResponse, "A chunked body line was too long.");
            var offset = _end - _start;
            if (await FillAsync(cancellationToken) == 0) return null;
            searched = _start + offset;
        }
    }

    // ---- writing: the request head and body go out through the same buffer

    internal Span<byte> GetSpan(int size)
    {
        if (_buffer.Length - _end < size)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _end + size));
            _buffer.AsSpan(0, _end).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        return _buffer.AsSpan(_end);
    }

    internal void Advance(int count) => _end += count;

    internal void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _end += bytes.Length;
    }

    internal int Room => BufferBytes - _end;

    /// <summary>Sends what the buffer holds, then <paramref name="more"/> (if any) straight from the caller's memory.</summary>
    internal async ValueTask FlushAsync(CancellationToken cancellationToken, ReadOnlyMemory<byte> more = default)
    {
        if (_end > 0)
        {
            Interlocked.Exchange(ref _pending, 1);
            try
            {
                await connection.WriteAsync(_buffer.AsMemory(0, _end), cancellationToken);
            }
            finally
            {
                Interlocked.Exchange(ref _pending, 0);
            }
            _end = 0;
        }
        if (!more.IsEmpty) await connection.WriteAsync(more, cancellationToken);
    }

    internal static HttpRequestException Invalid(string why) => new(HttpRequestError.InvalidResponse, $"Odoo's answer was not valid HTTP/1.1: {why}.");

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        connection.Dispose();
        // An aborted read may still be completing into the buffer: then the GC, not the pool, gets it.
        if (Volatile.Read(ref _pending) == 0) ArrayPool<byte>.Shared.Return(_buffer);
    }
}
