using System.Net.Sockets;
using System.Text;

namespace OdooSimulator.Prefork;

/// <summary>
/// Blocking, buffered reads from one client socket. Workers are dedicated threads, as Odoo's prefork
/// workers are processes, so the socket's own receive timeout is Odoo's <c>client.settimeout(2)</c>.
/// </summary>
internal sealed class ConnectionReader(Socket socket, byte[] buffer)
{
    private readonly Socket _socket = socket;
    private readonly byte[] _buffer = buffer;
    private int _start;
    private int _end;

    /// <summary>True once at least one byte arrived: distinguishes an idle hang-up from a cut request.</summary>
    public bool ReceivedAny { get; private set; }

    /// <summary>Reads one CRLF- (or LF-) terminated line as Latin-1; null on EOF before any byte of the line.</summary>
    public string? ReadLine(int maxLength)
    {
        var sb = new StringBuilder();
        while (true)
        {
            if (_start == _end && !Fill())
            {
                if (sb.Length == 0)
                {
                    return null;
                }

                throw new ClientGoneException("Connection closed in the middle of a line.");
            }

            var span = _buffer.AsSpan(_start, _end - _start);
            var lf = span.IndexOf((byte)'\n');
            var take = lf < 0 ? span.Length : lf;
            if (sb.Length + take > maxLength)
            {
                throw new BadRequestException(431, "Line too long");
            }

            sb.Append(Encoding.Latin1.GetString(span[..take]));
            if (lf < 0)
            {
                _start = _end;
                continue;
            }

            _start += lf + 1;
            if (sb.Length > 0 && sb[^1] == '\r')
            {
                sb.Length--;
            }

            return sb.ToString();
        }
    }

    /// <summary>Copies exactly <paramref name="count"/> bytes into <paramref name="sink"/> (null: discard).</summary>
    public void CopyExact(long count, Stream? sink)
    {
        while (count > 0)
        {
            if (_start == _end && !Fill())
            {
                throw new ClientGoneException("Connection closed in the middle of the body.");
            }

            var take = (int)Math.Min(count, _end - _start);
            sink?.Write(_buffer, _start, take);
            _start += take;
            count -= take;
        }
    }

    /// <summary>Reads a chunked body (RFC 9112 section 7.1), trailers included; returns the decoded length.</summary>
    public long CopyChunked(Stream? sink, long maxLength)
    {
        long total = 0;
        while (true)
        {
            var sizeLine = ReadLine(8192) ?? throw new ClientGoneException("Connection closed before a chunk size.");
            var semicolon = sizeLine.IndexOf(';', StringComparison.Ordinal);
            var sizeText = (semicolon < 0 ? sizeLine : sizeLine[..semicolon]).Trim();
            if (sizeText.Length is 0 or > 15 || !long.TryParse(sizeText, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var size))
            {
                throw new BadRequestException("Invalid chunk size");
            }

            if (size == 0)
            {
                // Trailer section ends with an empty line.
                var trailers = 0;
                while ((ReadLine(8192) ?? throw new ClientGoneException("Connection closed in the trailers.")).Length > 0)
                {
                    if (++trailers > 100)
                    {
                        throw new BadRequestException(431, "Too many trailers");
                    }
                }

                return total;
            }

            total += size;
            if (total > maxLength)
            {
                throw new BadRequestException(413, "Request Entity Too Large");
            }

            CopyExact(size, sink);
            var end = ReadLine(2) ?? throw new ClientGoneException("Connection closed after a chunk.");
            if (end.Length != 0)
            {
                throw new BadRequestException("Missing CRLF after chunk data");
            }
        }
    }

    private bool Fill()
    {
        _start = 0;
        _end = 0;
        int read;
        try
        {
            read = _socket.Receive(_buffer);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown)
        {
            throw new ClientGoneException("Connection reset by the client.", ex);
        }

        if (read == 0)
        {
            return false;
        }

        ReceivedAny = true;
        _end = read;
        return true;
    }
}
