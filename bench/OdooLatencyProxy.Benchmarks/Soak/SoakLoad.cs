using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace OdooLatencyProxy.Benchmarks.Soak;

/// <summary>
/// The soak's own clients beside the load-test harness: queueing (more clients than workers), Odoo errors, slow
/// uploads and downloads, clients that leave mid-request, mid-response and while Odoo works, long polling,
/// websockets and large uploads. Each lane loops until the load stops; the simulator's test headers shape Odoo's side.
/// </summary>
internal sealed class SoakLoad(Uri proxy) : IDisposable
{
    private const string JsonRpc = """{"jsonrpc": "2.0", "method": "call", "params": {"args": [[7]], "kwargs": {}}, "id": 1}""";
    private static readonly string[] s_failures = ["rpc_error", "session_expired", "server_error", "reset", "close"];

    private readonly ConcurrentDictionary<string, (long Done, long Unexpected)> _counts = new();
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5) })
    {
        BaseAddress = proxy,
        Timeout = TimeSpan.FromSeconds(90),
    };

    /// <summary>Per lane: iterations done, and those that ended otherwise than the lane expects.</summary>
    public IReadOnlyDictionary<string, (long Done, long Unexpected)> Counts => _counts;

    public async Task RunAsync(CancellationToken stop)
    {
        await Task.WhenAll(
            Lane("queueing: 8 clients, JSON-RPC held 20-400 ms", 8, QueueingAsync, stop),
            Lane("Odoo errors (rpc_error, session_expired, 500, reset, close)", 1, OdooErrorAsync, stop),
            Lane("slow upload (16 KiB over 2.4 s)", 2, SlowUploadAsync, stop),
            Lane("slow download (2 MiB at 1 MiB/s)", 1, SlowDownloadAsync, stop),
            Lane("abort mid-request", 1, AbortMidRequestAsync, stop),
            Lane("abort mid-response (8 MiB answer, 64 KiB read)", 1, AbortMidResponseAsync, stop),
            Lane("abort while Odoo works (1.5 s)", 1, AbortWhileOdooWorksAsync, stop),
            Lane("long polling (5 s hold, 1 in 3 left after 1 s)", 2, LongPollAsync, stop),
            Lane("websocket (3 s session, 1 in 3 aborted)", 2, WebSocketAsync, stop),
            Lane("large upload (6 MiB)", 1, LargeUploadAsync, stop));
    }

    /// <summary>Closes the lanes' pooled connections: the load has ended, as a browser's would.</summary>
    public void Dispose() => _http.Dispose();

    private async Task Lane(string name, int clients, Func<Random, CancellationToken, Task<bool>> step, CancellationToken stop)
    {
        _counts[name] = (0, 0);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var random = new Random(name.Length * 31 + c);
            while (!stop.IsCancellationRequested)
            {
                bool expected;
                try
                {
                    expected = await step(random, stop);
                }
                catch (Exception) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is HttpRequestException or IOException or SocketException or WebSocketException or TaskCanceledException)
                {
                    expected = false;
                }
                _counts.AddOrUpdate(name, (1, expected ? 0 : 1), (_, c) => (c.Done + 1, c.Unexpected + (expected ? 0 : 1)));
            }
        }, CancellationToken.None)));
    }

    private async Task<bool> QueueingAsync(Random random, CancellationToken stop)
    {
        using var request = Rpc("/web/dataset/call_kw/res.partner/web_read");
        request.Headers.Add("X-Sim-Delay-Ms", random.Next(20, 400).ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await _http.SendAsync(request, stop);
        await response.Content.ReadAsByteArrayAsync(stop);
        return response.IsSuccessStatusCode;
    }

    private async Task<bool> OdooErrorAsync(Random random, CancellationToken stop)
    {
        using var request = Rpc("/web/dataset/call_kw/sale.order/action_confirm");
        request.Headers.Add("X-Sim-Fail", s_failures[random.Next(s_failures.Length)]);
        using var response = await _http.SendAsync(request, stop);
        await response.Content.ReadAsByteArrayAsync(stop);
        await Task.Delay(200, stop);
        return true; // Any answer is right: the errors are the point.
    }

    private async Task<bool> SlowUploadAsync(Random random, CancellationToken stop)
    {
        using var socket = await ConnectAsync(stop);
        await SendAsync(socket, $"POST /web/dataset/call_kw/ir.attachment/create HTTP/1.1\r\nHost: erp\r\nContent-Type: application/json\r\nContent-Length: 16384\r\nConnection: close\r\n\r\n", stop);
        var piece = new byte[1024];
        for (var i = 0; i < 16; i++)
        {
            random.NextBytes(piece);
            await socket.SendAsync(piece, SocketFlags.None, stop);
            await Task.Delay(150, stop);
        }
        return (await ReadToEndAsync(socket, 0, stop)).StartsWith("HTTP/1.1 200", StringComparison.Ordinal);
    }

    private async Task<bool> SlowDownloadAsync(Random random, CancellationToken stop)
    {
        using var socket = await ConnectAsync(stop);
        await SendAsync(socket, "GET /web/content/42?download=true HTTP/1.1\r\nHost: erp\r\nX-Sim-Response-Bytes: 2097152\r\nConnection: close\r\n\r\n", stop);
        var head = await ReadToEndAsync(socket, 64 * 1024, stop, pace: TimeSpan.FromMilliseconds(60));
        return head.StartsWith("HTTP/1.1 200", StringComparison.Ordinal);
    }

    private async Task<bool> AbortMidRequestAsync(Random random, CancellationToken stop)
    {
        using var socket = await ConnectAsync(stop);
        // Half the aborts are a reset, half a plain close.
        if (random.Next(2) == 0) socket.LingerState = new LingerOption(true, 0);
        await SendAsync(socket, "POST /web/dataset/call_kw/res.partner/write HTTP/1.1\r\nHost: erp\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n", stop);
        await socket.SendAsync(new byte[random.Next(0, 60_000)], SocketFlags.None, stop);
        socket.Close();
        await Task.Delay(300, stop);
        return true;
    }

    private async Task<bool> AbortMidResponseAsync(Random random, CancellationToken stop)
    {
        using var socket = await ConnectAsync(stop);
        await SendAsync(socket, "GET /web/content/43?download=true HTTP/1.1\r\nHost: erp\r\nX-Sim-Response-Bytes: 8388608\r\n\r\n", stop);
        var buffer = new byte[64 * 1024];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, stop);
            if (n == 0) break;
            read += n;
        }
        socket.LingerState = new LingerOption(true, 0);
        socket.Close();
        await Task.Delay(300, stop);
        return read > 0;
    }

    private async Task<bool> AbortWhileOdooWorksAsync(Random random, CancellationToken stop)
    {
        using var socket = await ConnectAsync(stop);
        await SendAsync(socket, $"POST /web/dataset/call_kw/account.move/action_post HTTP/1.1\r\nHost: erp\r\nContent-Type: application/json\r\nX-Sim-Delay-Ms: 1500\r\nContent-Length: {JsonRpc.Length}\r\n\r\n{JsonRpc}", stop);
        await Task.Delay(200, stop);
        socket.Close();
        await Task.Delay(1000, stop);
        return true;
    }

    private async Task<bool> LongPollAsync(Random random, CancellationToken stop)
    {
        using var leave = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var leaves = random.Next(3) == 0;
        if (leaves) leave.CancelAfter(TimeSpan.FromSeconds(1));
        using var request = Rpc("/longpolling/poll");
        try
        {
            using var response = await _http.SendAsync(request, leave.Token);
            await response.Content.ReadAsByteArrayAsync(leave.Token);
            return response.IsSuccessStatusCode;
        }
        catch (TaskCanceledException) when (leaves && !stop.IsCancellationRequested)
        {
            return true;
        }
    }

    private async Task<bool> WebSocketAsync(Random random, CancellationToken stop)
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{proxy.Authority}/websocket"), stop);
        await socket.SendAsync("""{"event_name": "subscribe", "data": {"channels": [], "last": 0}}"""u8.ToArray(), WebSocketMessageType.Text, true, stop);
        var buffer = new byte[16 * 1024];
        var answer = await socket.ReceiveAsync(buffer, stop);
        for (var i = 0; i < 3; i++)
        {
            await Task.Delay(1000, stop);
            await socket.SendAsync("""{"event_name": "update_presence", "data": {"inactivity_period": 0}}"""u8.ToArray(), WebSocketMessageType.Text, true, stop);
            await socket.ReceiveAsync(buffer, stop);
        }
        if (random.Next(3) == 0)
        {
            socket.Abort();
            return true;
        }
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", stop);
        return answer.Count > 0;
    }

    private async Task<bool> LargeUploadAsync(Random random, CancellationToken stop)
    {
        var body = new byte[6 << 20];
        random.NextBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/web/binary/upload_attachment") { Content = new ByteArrayContent(body) };
        using var response = await _http.SendAsync(request, stop);
        await response.Content.ReadAsByteArrayAsync(stop);
        await Task.Delay(2000, stop);
        return response.IsSuccessStatusCode;
    }

    private static HttpRequestMessage Rpc(string path) => new(HttpMethod.Post, path)
    {
        Content = new StringContent(JsonRpc, Encoding.UTF8, "application/json"),
    };

    private async Task<Socket> ConnectAsync(CancellationToken stop)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(proxy.Host, proxy.Port, stop);
        return socket;
    }

    private static async Task SendAsync(Socket socket, string text, CancellationToken stop) =>
        await socket.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None, stop);

    // Reads until the server closes; returns the start of the answer. A pace slows the reads (a slow client).
    private static async Task<string> ReadToEndAsync(Socket socket, int chunk, CancellationToken stop, TimeSpan pace = default)
    {
        var buffer = new byte[chunk > 0 ? chunk : 8192];
        var head = new StringBuilder();
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, stop);
            if (n == 0) return head.ToString();
            if (head.Length < 64) head.Append(Encoding.ASCII.GetString(buffer, 0, Math.Min(n, 64)));
            if (pace > TimeSpan.Zero) await Task.Delay(pace, stop);
        }
    }
}
