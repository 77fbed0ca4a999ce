using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OdooLatencyProxy.Tests.Infrastructure;

/// <summary>
/// The native AOT executable (README, "Native AOT build"; the container image ships it), run as a process. Opt-in:
/// <c>ODOO_PROXY_AOT_BINARY</c> names it; <c>scripts/test</c> publishes it and sets the variable.
/// </summary>
public static class AotExecutable
{
    private const string Variable = "ODOO_PROXY_AOT_BINARY";

    /// <summary>The executable's path; the test is skipped, with the reason, when the variable is not set.</summary>
    public static string Require()
    {
        var binary = Environment.GetEnvironmentVariable(Variable);
        Assert.SkipWhen(string.IsNullOrEmpty(binary), $"{Variable} is not set (the native AOT executable to check; README, \"Native AOT build\").");
        Assert.True(File.Exists(binary), $"{Variable}={binary} does not exist.");
        return binary!;
    }

    /// <summary>Starts it with <paramref name="environment"/> added; stdout is drained (nobody reads the log), stderr is the caller's.</summary>
    public static Process Start(string binary, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo(binary, args) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }

    /// <summary>Whether <paramref name="path"/> on the admin listener answers with a success status yet.</summary>
    public static async Task<bool> AnswersAsync(HttpClient admin, string path)
    {
        try
        {
            using var response = await admin.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>A loopback port free at this moment, for the executable's listeners.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
