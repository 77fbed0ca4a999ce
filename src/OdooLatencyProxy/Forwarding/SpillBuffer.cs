using System.Buffers;

namespace OdooLatencyProxy.Forwarding;

/// <summary>
/// Bytes kept in pooled memory up to a limit, then in a delete-on-close temp file; replayed by
/// <see cref="OpenReplay"/>, optionally followed by a stream not yet read. Memory stays bounded whatever the size.
/// </summary>
internal sealed class SpillBuffer(int memoryLimit, string tempDirectory) : IDisposable
{
    private const int SegmentSize = 64 * 1024;
    private readonly List<byte[]> _segments = [];
    private long _memoryLength;
    private FileStream? _file;

    /// <summary>Bytes written so far.</summary>
    public long Length => _memoryLength + (_file?.Length ?? 0);

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (_file is null && !data.IsEmpty && _memoryLength < memoryLimit)
        {
            var offset = (int)(_memoryLength % SegmentSize);
            if (offset == 0) _segments.Add(ArrayPool<byte>.Shared.Rent(SegmentSize));
            var count = (int)Math.Min(Math.Min(data.Length, SegmentSize - offset), memoryLimit - _memoryLength);
            data.Span[..count].CopyTo(_segments[^1].AsSpan(offset));
            _memoryLength += count;
            data = data[count..];
        }
        if (data.IsEmpty) return;
        _file ??= new FileStream(Path.Combine(tempDirectory, $"odoo-proxy-{Guid.NewGuid():N}.tmp"), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.None, SegmentSize, FileOptions.DeleteOnClose | FileOptions.Asynchronous | FileOptions.SequentialScan);
        await _file.WriteAsync(data, cancellationToken);
    }

    /// <summary>The first bytes written, up to <paramref name="max"/> (those kept in memory): enough to judge a response.</summary>
    public ReadOnlySpan<byte> Prefix(int max) =>
        _segments.Count == 0 ? default : _segments[0].AsSpan(0, (int)Math.Min(Math.Min(max, SegmentSize), _memoryLength));

    /// <summary>A stream of everything written, then <paramref name="rest"/> if given. Call once, after the last write.</summary>
    public Stream OpenReplay(Stream? rest) => new ReplayStream(this, rest);

    public void Dispose()
    {
        foreach (var segment in _segments) ArrayPool<byte>.Shared.Return(segment);
        _segments.Clear();
        _file?.Dispose(); // Deletes the temp file.
        _file = null;
    }

    private sealed class ReplayStream(SpillBuffer buffer, Stream? rest) : ReadOnlyStream
    {
        private long _position;
        private bool _fileRewound;

        public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
        {
            if (destination.IsEmpty) return 0;
            if (_position < buffer._memoryLength)
            {
                var segment = buffer._segments[(int)(_position / SegmentSize)];
                var offset = (int)(_position % SegmentSize);
                var count = (int)Math.Min(Math.Min(destination.Length, SegmentSize - offset), buffer._memoryLength - _position);
                segment.AsSpan(offset, count).CopyTo(destination.Span);
                _position += count;
                return count;
            }
            if (buffer._file is { } file)
            {
                if (!_fileRewound)
                {
                    file.Position = 0;
                    _fileRewound = true;
                }
                var read = await file.ReadAsync(destination, cancellationToken);
                if (read > 0) return read;
            }
            return rest is null ? 0 : await rest.ReadAsync(destination, cancellationToken);
        }
    }
}
