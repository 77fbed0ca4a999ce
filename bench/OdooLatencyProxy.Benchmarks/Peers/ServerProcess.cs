using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace OdooLatencyProxy.Benchmarks.Peers;

/// <summary>A server started for the benchmark (nginx, HAProxy, the proxy) and stopped with all its children.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    /// <summary>Starts the program and waits until it accepts connections on the port (30 s at most).</summary>
    public static async Task<ServerProcess> StartAsync(string program, IEnumerable<string> arguments, int port)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        var server = new ServerProcess(Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start"));
        server._process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (!await AcceptsAsync(port))
        {
            if (server._process.HasExited || clock.Elapsed > s_startTimeout)
            {
                var why = server._process.HasExited ? $"exited with {server._process.ExitCode}" : $"did not listen on {port} within {s_startTimeout.TotalSeconds} s";
                var output = server.Output;
                await server.DisposeAsync();
                throw new InvalidOperationException($"{program} {string.Join(' ', start.ArgumentList)} {why}:\n{output}");
            }
            await Task.Delay(100);
        }
        return server;
    }

    /// <summary>What the server printed (the last 8 KiB), for error messages.</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.AppendLine(line);
            if (_output.Length > 8192) _output.Remove(0, _output.Length - 8192);
        }
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
