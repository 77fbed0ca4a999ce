using System.Diagnostics;

namespace OdooLatencyProxy.Tests.Deploy;

/// <summary>Runs a command-line tool (promtool, docker-compose, dotnet) to completion and keeps its output.</summary>
internal static class ExternalTool
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\n{Output}\n{Error}";
    }

    public static async Task<Result> RunAsync(string program, IEnumerable<string> args, string? workingDirectory = null, TimeSpan? deadline = null)
    {
        var info = new ProcessStartInfo(Find(program))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Repo.Root,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(deadline ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', info.ArgumentList)} did not finish in time");
        }
        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary>Full path of <paramref name="program"/> on PATH; a clear failure when a Debian package is missing.</summary>
    public static string Find(string program)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(System.IO.Path.PathSeparator))
        {
            var candidate = System.IO.Path.Combine(dir, program);
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException($"{program} not found on PATH: scripts/test installs it (Debian packages prometheus, docker-compose)");
    }
}
