using System.Net.Sockets;
using System.Text;

namespace OdooLatencyProxy.Testing.Http;

/// <summary>Buffered async reads from a socket.</summary>
public sealed class SocketReader(Socket socket)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public async Task<string?> ReadLineAsync(CancellationToken ct)
    {
        var line = new List<byte>();
        while (true)
        {
            if (_start == _end && !await FillAsync(ct))
            {
                return line.Count == 0 ? null : Encoding.Latin1.GetString([.. line]);
            }

            var b = _buffer[_start++];
            if (b == '\n')
            {
                if (line.Count > 0 && line[^1] == '\r')
                {
                    line.RemoveAt(line.Count - 1);
                }

                return Encoding.Latin1.GetString([.. line]);
            }

            line.Add(b);
        }
    }

    public async Task<byte[]> ReadExactAsync(long count, CancellationToken ct)
    {
        var result = new byte[count];
        var offset = 0;
        while (offset < count)
        {
            if (_start == _end && !await FillAsync(ct))
            {
                throw new IOException($"Connection closed after {offset} of {count} body bytes.");
            }

            var take = (int)Math.Min(count - offset, _end - _start);
            Array.Copy(_buffer, _start, result, offset, take);
            _start += take;
            offset += take;
        }

        return result;
    }

    /// <summary>Consumes <paramref name="count"/> bytes without keeping them, checking each against <paramref name="expected"/>.</summary>
    public async Task<long> DrainAsync(long count, Func<long, byte> expected, CancellationToken ct)
    {
        long offset = 0;
        while (offset < count)
        {
            if (_start == _end && !await FillAsync(ct))
            {
                return offset;
            }

            var take = (int)Math.Min(count - offset, _end - _start);
            for (var i = 0; i < take; i += 4099)
            {
                if (_buffer[_start + i] != expected(offset + i))
                {
                    throw new InvalidDataException($"Byte {offset + i} differs from the pattern.");
                }
            }

            _start += take;
            offset += take;
        }

        return offset;
    }

    public async Task<byte[]> ReadToEndAsync(CancellationToken ct)
    {
        using var all = new MemoryStream();
        do
        {
            all.Write(_buffer, _start, _end - _start);
            _start = _end;
        }
        while (await FillAsync(ct));
        return all.ToArray();
    }

    public async Task<bool> IsAtEndAsync(CancellationToken ct)
    {
        if (_start < _end)
        {
            return false;
        }

        try
        {
            return !await FillAsync(ct);
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private async Task<bool> FillAsync(CancellationToken ct)
    {
        _start = 0;
        _end = await socket.ReceiveAsync(_buffer, SocketFlags.None, ct);
        return _end > 0;
    }
}
