using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Net;
using System.Text;
using OdooLatencyProxy.Benchmarks.Hosting;

namespace OdooLatencyProxy.Benchmarks.Forwarding;

/// <summary>
/// Memory of the real proxy process while a 1 GiB Odoo response goes to a client that reads slower than Odoo writes.
/// Runs the proxy binary as a child process and samples its resident set size; prints one row per mode.
/// </summary>
internal static class SlowClientMemory
{
    private const long BodyBytes = 1L << 30;
    private const long ClientBytesPerSecond = 128L << 20;

    public static async Task<int> RunAsync()
    {
        var proxyDll = typeof(OdooLatencyProxy.Hosting.ProxyHost).Assembly.Location;
        Console.WriteLine($"1 GiB response, Odoo writing at loopback speed, client reading at {ClientBytesPerSecond >> 20} MiB/s");
        Console.WriteLine("| mode | proxy RSS before | peak RSS during | RSS after | worker released after client read | body intact |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var (mode, extra) in new[]
        {
            ("buffered to a temp file (default)", Array.Empty<string>()),
            ("streamed (over the buffer cap)", new[] { "--Proxy:MaxResponseBufferBytes=1048576" }),
        })
        {
            await RunModeAsync(proxyDll, mode, extra);
        }
        return 0;
    }

    private static async Task RunModeAsync(string proxyDll, string mode, string[] extra)
    {
        using var upstream = new TcpListener(IPAddress.Loopback, 0);
        upstream.Start();
        var server = ServeAsync(upstream);
        var (publicPort, adminPort) = (FreePort(), FreePort());
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { proxyDll, "--upstream", $"http://{upstream.LocalEndpoint}", "--workers", "1",
            "--listen", $"http://127.0.0.1:{publicPort}", "--admin-listen", $"http://127.0.0.1:{adminPort}" }) start.ArgumentList.Add(a);
        foreach (var e in extra)
        {
            var kv = e.TrimStart('-').Split('=');
            start.Environment[kv[0].Replace(":", "__", StringComparison.Ordinal)] = kv[1];
        }
        using var proxy = Process.Start(start)!;
        try
        {
            using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
            await WaitAsync(async () => (await admin.GetAsync("/healthz")).IsSuccessStatusCode);
            var before = Rss(proxy);
            long peak = before;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peak = Math.Max(peak, Rss(proxy));
                    await Task.Delay(100);
                }
            });

            long releasedAt = -1;
            var watcher = Task.Run(async () =>
            {
                while (releasedAt < 0 && !sampling.IsCancellationRequested)
                {
                    var json = await admin.GetStringAsync("/api/workers");
                    if (json.Contains("\"busy\":0", StringComparison.Ordinal) && ClientRead > 0) releasedAt = ClientRead;
                    await Task.Delay(50);
                }
            });

            var (received, intact) = await SlowClientAsync(publicPort);
            await sampling.CancelAsync();
            await sampler;
            await watcher;
            await Task.Delay(500);
            GC.KeepAlive(server);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {mode} | {Mb(before)} | {Mb(peak)} | {Mb(Rss(proxy))} | {(releasedAt < 0 ? "at the end" : $"{releasedAt * 100.0 / BodyBytes:F1} % of the body")} | {(intact && received == BodyBytes ? "yes" : $"NO ({received} bytes)")} |"));
        }
        finally
        {
            proxy.Kill(entireProcessTree: true);
            await proxy.WaitForExitAsync();
        }
    }

    private static long _clientRead;
    private static long ClientRead => Interlocked.Read(ref _clientRead);

    // A client reading at a fixed pace, checking every byte of the pattern.
    private static async Task<(long Received, bool Intact)> SlowClientAsync(int port)
    {
        Interlocked.Exchange(ref _clientRead, 0);
        using var client = new TcpClient();
        client.ReceiveBufferSize = 64 * 1024;
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /web/content/42?download=true HTTP/1.1\r\nHost: erp\r\nConnection: close\r\n\r\n"));
        var buffer = new byte[64 * 1024];
        var header = new StringBuilder();
        var clock = Stopwatch.StartNew();
        long body = 0;
        var intact = true;
        var inBody = false;
        while (true)
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0) break;
            var offset = 0;
            if (!inBody)
            {
                header.Append(Encoding.Latin1.GetString(buffer, 0, read));
                var end = header.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end < 0) continue;
                inBody = true;
                offset = read - (header.Length - end - 4);
            }
            for (var i = offset; i < read; i++)
            {
                if (buffer[i] != (byte)((body + i - offset) % 251)) intact = false;
            }
            body += read - offset;
            Interlocked.Exchange(ref _clientRead, body);
            // Pace the reads: the client is slower than Odoo.
            var due = TimeSpan.FromSeconds((double)body / ClientBytesPerSecond);
            if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed);
        }
        return (body, intact);
    }

    // One request per connection, like a prefork Odoo worker; the body is a byte pattern the client checks.
    private static async Task ServeAsync(TcpListener listener)
    {
        while (true)
        {
            using var connection = await listener.AcceptTcpClientAsync();
            var stream = connection.GetStream();
            var request = new byte[8192];
            var read = await stream.ReadAsync(request);
            if (Encoding.ASCII.GetString(request, 0, read).StartsWith("GET /web/health", StringComparison.Ordinal))
            {
                await stream.WriteAsync("HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"u8.ToArray());
                continue;
            }
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {BodyBytes}\r\nConnection: close\r\n\r\n"));
            var pattern = new byte[251 * 1024];
            for (var i = 0; i < pattern.Length; i++) pattern[i] = (byte)(i % 251);
            for (long sent = 0; sent < BodyBytes;)
            {
                var n = (int)Math.Min(pattern.Length, BodyBytes - sent);
                await stream.WriteAsync(pattern.AsMemory(0, n));
                sent += n;
            }
        }
    }

    internal static long Rss(Process process) => ProcessStats.Rss(process.Id);

    internal static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):F0} MiB");

    internal static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    internal static async Task WaitAsync(Func<Task<bool>> ready)
    {
        for (var i = 0; i < 200; i++)
        {
            try
            {
                if (await ready()) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("proxy did not start");
    }
}
