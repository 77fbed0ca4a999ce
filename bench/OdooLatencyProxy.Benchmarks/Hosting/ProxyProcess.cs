using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OdooLatencyProxy.Benchmarks.Hosting;

/// <summary>
/// The built proxy (OdooLatencyProxy.dll) as a child process on free loopback ports, so its memory, handles and threads
/// are its own; its log lines are drained, and those at level fail or crit are kept for the report.
/// </summary>
internal sealed class ProxyProcess : IAsyncDisposable
{
    private readonly List<string> _failures = [];

    private ProxyProcess(Process process, int publicPort, int adminPort)
    {
        Process = process;
        PublicEndPoint = new IPEndPoint(IPAddress.Loopback, publicPort);
        PublicUri = new Uri($"http://127.0.0.1:{publicPort}");
        Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public Process Process { get; }

    public IPEndPoint PublicEndPoint { get; }

    public Uri PublicUri { get; }

    /// <summary>A client of the admin listener (health, /api/workers, /metrics).</summary>
    public HttpClient Admin { get; }

    /// <summary>Log lines at level fail or crit so far (the first 20).</summary>
    public IReadOnlyList<string> Failures
    {
        get
        {
            lock (_failures) return [.. _failures];
        }
    }

    /// <summary>Starts the proxy with these arguments after its listeners, and waits until its admin /healthz answers.</summary>
    public static async Task<ProxyProcess> StartAsync(IEnumerable<string> arguments)
    {
        var (publicPort, adminPort) = (FreePort(), FreePort());
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(OdooLatencyProxy.Hosting.ProxyHost).Assembly.Location);
        foreach (var a in arguments) start.ArgumentList.Add(a);
        foreach (var a in new[] { "--listen", $"http://127.0.0.1:{publicPort}", "--admin-listen", $"http://127.0.0.1:{adminPort}" }) start.ArgumentList.Add(a);
        var proxy = new ProxyProcess(Process.Start(start)!, publicPort, adminPort);
        proxy.Process.OutputDataReceived += (_, e) => proxy.Keep(e.Data);
        proxy.Process.ErrorDataReceived += (_, e) => proxy.Keep(e.Data);
        proxy.Process.BeginOutputReadLine();
        proxy.Process.BeginErrorReadLine();
        for (var i = 0; i < 300 && !await proxy.IsHealthyAsync(); i++)
        {
            if (proxy.Process.HasExited) throw new InvalidOperationException($"the proxy exited with {proxy.Process.ExitCode}");
            await Task.Delay(100);
        }
        return proxy;
    }

    /// <summary>True when the admin listener's /healthz answers 2xx.</summary>
    public async Task<bool> IsHealthyAsync()
    {
        try
        {
            using var response = await Admin.GetAsync(new Uri("/healthz", UriKind.Relative));
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Resident set size, threads and open file descriptors from /proc; CodeHandles are the descriptors of loaded code
    /// (.dll, .pdb, .so files), which the runtime opens once when a feature is first used and keeps.
    /// </summary>
    public (long RssBytes, int Threads, int Handles, int CodeHandles) Resources()
    {
        var rss = ProcessStats.Rss(Process.Id);
        var threads = (int)ProcessStats.StatusValue(Process.Id, "Threads");
        var kinds = HandleKinds();
        return (rss, threads, kinds.Values.Sum(), kinds.Where(k => IsCode(k.Key)).Sum(k => k.Value));
    }

    /// <summary>Open descriptors by kind (socket, pipe, anon_inode:[eventpoll], or the file's path), for telling where handles went.</summary>
    public IReadOnlyDictionary<string, int> HandleKinds() => Directory.GetFileSystemEntries($"/proc/{Process.Id}/fd")
        .Select(fd => new FileInfo(fd).LinkTarget ?? "?")
        .Select(target => target.StartsWith("socket:", StringComparison.Ordinal) ? "socket" : target.StartsWith("pipe:", StringComparison.Ordinal) ? "pipe" : target)
        .GroupBy(kind => kind)
        .ToDictionary(g => g.Key, g => g.Count());

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        await Process.WaitForExitAsync();
        Process.Dispose();
    }

    private static bool IsCode(string path) =>
        path.EndsWith(".dll", StringComparison.Ordinal) || path.EndsWith(".pdb", StringComparison.Ordinal) || path.Contains(".so", StringComparison.Ordinal);

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }


    private void Keep(string? line)
    {
        if (line is null || !(line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal))) return;
        lock (_failures)
        {
            if (_failures.Count < 20) _failures.Add(line);
        }
    }
}
