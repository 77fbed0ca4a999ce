using System.Diagnostics;
using OdooLatencyProxy.Configuration;
using OdooLatencyProxy.Hosting;

namespace OdooLatencyProxy.Tests.Configuration;

public sealed class CommandLineTests
{
    [Fact]
    public void Flags_OverrideFileSettings_AndRepeatedUpstreamsReplaceTheList()
    {
        var parse = ProxyCommandLine.Create().Parse(
            ["--upstream", "http://odoo:8069", "--upstream", "http://odoo2:8069;workers=3", "--gevent-upstream", "http://odoo:8072",
             "--workers", "8", "--listen", "http://127.0.0.1:8081", "--admin-listen", "http://127.0.0.1:9091", "--max-queue", "50",
             "--max-queue-wait", "30s", "--timeout", "10m", "--trusted-proxy", "10.0.0.0/8"]);
        var fromFiles = new ProxyOptions { Upstreams = ["http://a:1", "http://b:2", "http://c:3"], Workers = 2 };

        var options = ProxyCommandLine.Apply(parse, fromFiles);

        Assert.Empty(parse.Errors);
        Assert.Equal(["http://odoo:8069", "http://odoo2:8069;workers=3"], options.Upstreams);
        Assert.Equal(["http://odoo:8072"], options.GeventUpstreams);
        Assert.Equal(8, options.Workers);
        Assert.Equal("http://127.0.0.1:8081", options.Listen);
        Assert.Equal("http://127.0.0.1:9091", options.AdminListen);
        Assert.Equal(50, options.MaxQueueLength);
        Assert.Equal(TimeSpan.FromSeconds(30), options.MaxQueueWait);
        Assert.Equal(TimeSpan.FromMinutes(10), options.Timeout);
        Assert.Equal(["10.0.0.0/8"], options.TrustedProxies);
    }

    [Theory]
    [InlineData("--workers", "abc", "--workers")]
    [InlineData("--max-queue-wait", "soon", "--max-queue-wait")]
    [InlineData("--timeout", "forever", "--timeout")]
    public void BadFlagValue_NamesTheFlag(string flag, string value, string named)
    {
        var parse = ProxyCommandLine.Create().Parse([flag, value]);

        var error = Assert.Throws<ConfigurationException>(() => ProxyCommandLine.Apply(parse, new ProxyOptions()));

        Assert.Equal(named, error.Setting);
    }

    [Fact]
    public async Task TheRealBinary_WithARuleThatCannotCompile_ExitsNamingTheRule()
    {
        var file = Path.Combine(Path.GetTempPath(), $"olp-rules-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{"Classification":{"Rules":[{"Name":"ok.rule","Path":"/ok"},{"Name":"shop.orders","PathRegex":"/shop/(unclosed"}]}}""");
        try
        {
            var (exitCode, stderr) = await RunProxyAsync("--config", file);

            Assert.Equal(2, exitCode);
            Assert.StartsWith("Invalid configuration: Classification:Rules:1: Classification rule #1 ('shop.orders'):", stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("Invalid configuration: --workers: 'many' is not a whole number", "--workers", "many")]
    [InlineData("Invalid configuration: Proxy:Upstreams:0: 'odoo' is not an http:// or https:// URL", "--upstream", "odoo")]
    [InlineData("Invalid configuration: Proxy:Workers: must be 0 (not limited) or more, got -4", "--workers", "-4")]
    [InlineData("Invalid configuration: Collector:ConnectionString (--odoo-db): Couldn't set hots (Parameter 'hots')", "--odoo-db", "Hots=db;Password=secret")]
    [InlineData("Invalid configuration: Collector:LogPath (--odoo-log): folder '/no/such' does not exist", "--odoo-log", "/no/such/odoo.log")]
    public async Task TheRealBinary_WithABadSetting_ExitsWithTheMessage(string message, string flag, string value)
    {
        var (exitCode, stderr) = await RunProxyAsync(flag, value);

        Assert.Equal(2, exitCode);
        Assert.Equal(message, stderr);
    }

    // Runs the built proxy with loopback ports until it exits by itself (it must, on bad configuration).
    private static async Task<(int ExitCode, string Stderr)> RunProxyAsync(params string[] args)
    {
        var proxyDll = typeof(ProxyHost).Assembly.Location;
        using var process = Process.Start(new ProcessStartInfo("dotnet", [proxyDll, .. args, "--listen", "http://127.0.0.1:0", "--admin-listen", "http://127.0.0.1:0"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, (await stderr).Trim());
    }
}
