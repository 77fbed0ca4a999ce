using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace OdooLatencyProxy.Testing.Http;

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
        var body = status is 304 or 204 or 101 ? []
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
