using System.Diagnostics;
using System.Text.RegularExpressions;

namespace OdooLatencyProxy.Tests.Hosting;

public sealed partial class DemoTests
{
    [Fact]
    public async Task TheDemoHost_ServesASimulatedOdooThroughTheProxy()
    {
        // The demo host's binary, copied beside the tests by the project reference (its types are internal).
        var demoDll = Path.Combine(AppContext.BaseDirectory, "OdooLatencyProxy.Demo.dll");
        using var process = Process.Start(new ProcessStartInfo("dotnet", [demoDll, "--listen", "http://127.0.0.1:0", "--admin-listen", "http://127.0.0.1:0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            Uri? publicUri = null, adminUri = null;
            while ((publicUri is null || adminUri is null) && await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                if (ForwardingLine().Match(line) is { Success: true } f) publicUri = new Uri(f.Groups[1].Value);
                if (AdminLine().Match(line) is { Success: true } a) adminUri = new Uri(a.Groups[1].Value);
            }
            Assert.NotNull(publicUri);
            Assert.NotNull(adminUri);
            using var client = new HttpClient();

            Assert.Equal("""{"status": "pass"}""", await client.GetStringAsync(new Uri(publicUri, "/web/health"), deadline.Token));
            var workers = await client.GetStringAsync(new Uri(adminUri, "/api/workers"), deadline.Token);
            Assert.Contains("\"limit\":4", workers, StringComparison.Ordinal);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [GeneratedRegex(@"^OdooLatencyProxy forwarding (\S+) ->")]
    private static partial Regex ForwardingLine();

    [GeneratedRegex(@"^Admin: (\S+)healthz")]
    private static partial Regex AdminLine();
}
