using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace OdooSimulator.Tests.Support;

/// <summary>A response read byte by byte off a real socket, with what happened to the connection after it.</summary>
public sealed record RawResponse(string Version, int Status, string Reason, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body, bool ClosedAfterResponse)
{
    public string? Header(string name) => Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public IEnumerable<string> HeaderValues(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);

    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>Raw HTTP/1.1 over a TCP socket: no client library between the test and the simulator's bytes.</summary>
public static class RawHttp
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static Task<RawResponse> GetAsync(Uri baseUri, string path, params (string Name, string Value)[] headers) =>
        SendAsync(baseUri, "GET", path, headers, body: null);

    public static Task<RawResponse> PostAsync(Uri baseUri, string path, string body, params (string Name, string Value)[] headers) =>
        SendAsync(baseUri, "POST", path, [("Content-Type", "application/json"), .. headers], Encoding.UTF8.GetBytes(body));

    public static async Task<RawResponse> SendAsync(Uri baseUri, string method, string path, IEnumerable<(string Name, string Value)> headers, byte[]? body)
    {
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"{method} {path} HTTP/1.1\r\nHost: {baseUri.Authority}\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        if (body is not null)
        {
            head.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n");
        }

        head.Append("\r\n");
        var bytes = Encoding.Latin1.GetBytes(head.ToString());
        return await ExchangeAsync(baseUri, body is null ? bytes : [.. bytes, .. body]);
    }

    /// <summary>Sends raw bytes, reads one response (by Content-Length) and then checks whether the server closed.</summary>
    public static async Task<RawResponse> ExchangeAsync(Uri baseUri, byte[] request)
    {
        using var cts = new CancellationTokenSource(Deadline);
        using var socket = await ConnectAsync(baseUri, cts.Token);
        await socket.SendAsync(request, SocketFlags.None, cts.Token);
        return await ReadResponseAsync(socket, cts.Token);
    }

    public static async Task<Socket> ConnectAsync(Uri baseUri, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(baseUri.Host, baseUri.Port, ct);
        return socket;
    }

    public static async Task<RawResponse> ReadResponseAsync(Socket socket, CancellationToken ct)
    {
        var reader = new SocketReader(socket);
        var statusLine = await reader.ReadLineAsync(ct) ?? throw new IOException("Connection closed before a status line.");
        var parts = statusLine.Split(' ', 3);
        var headers = new List<KeyValuePair<string, string>>();
        string? line;
        while (!string.IsNullOrEmpty(line = await reader.ReadLineAsync(ct)))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
        }

        string? Find(string name) => headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
        var lengthText = Find("Content-Length");
        var status = int.Parse(parts[1], CultureInfo.InvariantCulture);
        var body = status is 304 or 101 ? []
            : lengthText is not null ? await reader.ReadExactAsync(long.Parse(lengthText, CultureInfo.InvariantCulture), ct)
            : string.Equals(Find("Transfer-Encoding"), "chunked", StringComparison.OrdinalIgnoreCase) ? await ReadChunkedAsync(reader, ct)
            : await reader.ReadToEndAsync(ct);

        // Only a server that announced the close is waited for; a keep-alive server (Kestrel) would hold the read.
        var closed = (parts[0] == "HTTP/1.0" || string.Equals(Find("Connection"), "close", StringComparison.OrdinalIgnoreCase)) && await reader.IsAtEndAsync(ct);
        return new RawResponse(parts[0], status, parts.Length > 2 ? parts[2] : string.Empty, headers, body, closed);
    }

    private static async Task<byte[]> ReadChunkedAsync(SocketReader reader, CancellationToken ct)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var size = Convert.ToInt32((await reader.ReadLineAsync(ct))!.Split(';')[0].Trim(), 16);
            if (size == 0)
            {
                while (!string.IsNullOrEmpty(await reader.ReadLineAsync(ct)))
                {
                }

                return body.ToArray();
            }

            body.Write(await reader.ReadExactAsync(size, ct));
            await reader.ReadLineAsync(ct);
        }
    }

    /// <summary>Reads until the server closes; true when the connection ended with no byte at all (no response).</summary>
    public static async Task<bool> ClosesWithoutResponseAsync(Socket socket, CancellationToken ct)
    {
        var buffer = new byte[4096];
        try
        {
            return await socket.ReceiveAsync(buffer, SocketFlags.None, ct) == 0;
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset)
        {
            return true;
        }
    }
}

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
