using System.Buffers;

namespace OdooLatencyProxy.RequestPath;

/// <summary>
/// A small buffered request body in one array rented from the shared pool, read and replayed as a seekable stream;
/// the array goes back to the pool when the exchange is disposed of (once, whoever disposes first).
/// </summary>
internal sealed class PooledBodyStream : MemoryStream
{
    private byte[]? _rented;

    public PooledBodyStream(int length)
        : this(ArrayPool<byte>.Shared.Rent(Math.Max(1, length)), length)
    {
    }

    private PooledBodyStream(byte[] rented, int length)
        : base(rented, 0, length, writable: false, publiclyVisible: true)
    {
        _rented = rented;
        Buffer = rented.AsMemory(0, length);
    }

    /// <summary>Where the body is read into, before the stream is replayed.</summary>
    public Memory<byte> Buffer { get; }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _rented, null) is { } rented) ArrayPool<byte>.Shared.Return(rented);
        base.Dispose(disposing);
    }
}
